/** code.write against real files: atomic replacement, optimistic checks, limits and events. */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { MAX_WRITE_BYTES } from "@att/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CodeProject, createCodeProject } from "./support/code-project.ts";

let project: CodeProject;
beforeEach(async () => {
  project = await createCodeProject();
});
afterEach(() => {
  project.dispose();
});

const digest = (bytes: string | Buffer) => createHash("sha256").update(bytes).digest("hex");
const contentOf = (name: string) => readFileSync(path.join(project.root, name), "utf8");

describe("code.write", () => {
  it("creates a file and its parent directories, and emits code.changed", async () => {
    const result = await project.write({ path: "src/deep/new.py", content: "x = 1\n" });
    expect(result).toEqual({ path: "src/deep/new.py", size: 6, sha256: digest("x = 1\n"), created: true });
    expect(contentOf("src/deep/new.py")).toBe("x = 1\n");
    const events = project.context.outbox.after(0, 10).map((entry) => entry.event);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      projectId: project.projectId,
      type: "code.changed",
      payload: { path: "src/deep/new.py", sha256: digest("x = 1\n"), size: 6, created: true },
    });
    expect(project.context.wakes()).toBe(1);
  });

  it("replaces a file, keeps its mode and leaves no temp file behind", async () => {
    project.files({ "run.sh": "echo old\n" });
    execFileSync("chmod", ["755", path.join(project.root, "run.sh")]);
    const result = await project.write({ path: "run.sh", content: "echo new\n" });
    expect(result.created).toBe(false);
    expect(contentOf("run.sh")).toBe("echo new\n");
    expect(statSync(path.join(project.root, "run.sh")).mode & 0o777).toBe(0o755);
    expect(readdirSync(project.root)).toEqual(["run.sh"]);
  });

  it("writes base64 content byte-exact and refuses malformed base64", async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 254]);
    await project.write({ path: "blob.bin", content: bytes.toString("base64"), encoding: "base64" });
    expect(readFileSync(path.join(project.root, "blob.bin")).equals(bytes)).toBe(true);
    await expect(project.write({ path: "bad.bin", content: "not base64!", encoding: "base64" })).rejects.toMatchObject({
      code: "bad_request",
    });
  });

  it("checks expectedSha256: a match writes, a stale digest or an existing file conflicts", async () => {
    project.files({ "a.txt": "one" });
    await project.write({ path: "a.txt", content: "two", expectedSha256: digest("one") });
    expect(contentOf("a.txt")).toBe("two");
    await expect(
      project.write({ path: "a.txt", content: "three", expectedSha256: digest("one") }),
    ).rejects.toMatchObject({ code: "conflict", details: { expected: digest("one"), actual: digest("two") } });
    await expect(project.write({ path: "a.txt", content: "x", expectedSha256: null })).rejects.toMatchObject({
      code: "conflict",
    });
    await expect(project.write({ path: "gone.txt", content: "x", expectedSha256: digest("x") })).rejects.toMatchObject({
      code: "conflict",
    });
    expect(contentOf("a.txt")).toBe("two");
    expect((await project.write({ path: "fresh.txt", content: "x", expectedSha256: null })).created).toBe(true);
  });

  it("refuses content over the write limit", async () => {
    const big = "x".repeat(MAX_WRITE_BYTES + 1);
    await expect(project.write({ path: "big.txt", content: big })).rejects.toMatchObject({ code: "payload_too_large" });
    const multibyte = "é".repeat(MAX_WRITE_BYTES / 2 + 1); // within the character cap, over the byte limit
    await expect(project.write({ path: "big.txt", content: multibyte })).rejects.toMatchObject({
      code: "payload_too_large",
    });
    expect(readdirSync(project.root)).toEqual([]);
  });

  it("refuses writing into .git, onto a directory, the root, or under a file", async () => {
    project.files({ ".git/config": "[core]\n", "src/a.txt": "a" });
    for (const target of [".git/config", ".git/hooks/pre-commit", "sub/.GIT/x"]) {
      await expect(project.write({ path: target, content: "x" })).rejects.toMatchObject({ code: "forbidden" });
    }
    await expect(project.write({ path: "src", content: "x" })).rejects.toMatchObject({ code: "bad_request" });
    await expect(project.write({ path: ".", content: "x" })).rejects.toMatchObject({ code: "bad_request" });
    await expect(project.write({ path: "src/a.txt/b.txt", content: "x" })).rejects.toMatchObject({
      code: "bad_request",
    });
    expect(readFileSync(path.join(project.root, ".git/config"), "utf8")).toBe("[core]\n");
  });

  it("refuses writing through a symlink into .git", async () => {
    project.files({ ".git/HEAD": "ref: refs/heads/main\n" });
    execFileSync("ln", ["-s", ".git", path.join(project.root, "meta")]);
    await expect(project.write({ path: "meta/HEAD", content: "x" })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("writes through a symlink that stays inside, replacing the target and keeping the link", async () => {
    project.files({ "real/a.txt": "old" });
    execFileSync("ln", ["-s", "real/a.txt", path.join(project.root, "alias.txt")]);
    expect((await project.write({ path: "alias.txt", content: "new" })).path).toBe("real/a.txt");
    expect(contentOf("real/a.txt")).toBe("new");
    expect(readdirSync(project.root).sort()).toEqual(["alias.txt", "real"]);
  });

  it("20 concurrent writes of different contents leave exactly one of them", async () => {
    const contents = Array.from({ length: 20 }, (_, i) => `${String(i).padStart(2, "0")}:${"x".repeat(20_000 + i)}`);
    const results = await Promise.all(contents.map((content) => project.write({ path: "race.txt", content })));
    expect(contents).toContain(contentOf("race.txt"));
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(readdirSync(project.root)).toEqual(["race.txt"]);
  });

  it("concurrent writes that all expect the same digest: exactly one wins, the rest conflict", async () => {
    project.files({ "shared.txt": "base" });
    const attempts = Array.from({ length: 10 }, (_, i) =>
      project.write({ path: "shared.txt", content: `v${i}`, expectedSha256: digest("base") }).then(
        () => "ok",
        (error: { code: string }) => error.code,
      ),
    );
    const outcomes = await Promise.all(attempts);
    expect(outcomes.filter((o) => o === "ok")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "conflict")).toHaveLength(9);
  });
});
