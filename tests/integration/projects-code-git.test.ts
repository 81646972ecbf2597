/**
 * Projects, code and git over REST, on the whole real path: wrangler dev
 * (Worker + Durable Object), the real agent, real directories and git.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Project, StoredEvent } from "@att/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Stack } from "../support/stack.ts";

let stack: Stack;
beforeAll(async () => {
  stack = await Stack.start();
  await stack.startLinkedAgent();
});
afterAll(async () => {
  await stack?.dispose();
});

const post = (body: unknown, method = "POST") => ({ method, body: JSON.stringify(body) });

async function problem(response: Response): Promise<{ status: number; code: string; detail: string }> {
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  const body = (await response.json()) as { code: string; detail: string };
  return { status: response.status, code: body.code, detail: body.detail };
}

async function eventTypes(projectId: string): Promise<string[]> {
  const { events } = await stack.json<{ events: StoredEvent[] }>(`/api/v1/projects/${projectId}/events?limit=1000`);
  return events.map((event) => event.type);
}

/** Events arrive through the agent's outbox, asynchronously: poll until the list holds them. */
async function waitForEvents(projectId: string, wanted: string[], timeoutMs = 20_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const types = await eventTypes(projectId);
    if (wanted.every((type) => types.includes(type)) || Date.now() > deadline) return types;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("projects, code and git through REST", () => {
  let project: Project;

  it("creates a project from the chatbot template, refuses a duplicate and a hyphenated name", async () => {
    const created = await stack.api("/api/v1/projects", post({ name: "rest_bot", template: "chatbot" }));
    expect(created.status).toBe(201);
    project = ((await created.json()) as { project: Project }).project;
    expect(project).toMatchObject({ name: "rest_bot", status: "created", natConfigPath: "configs/config.yml" });
    expect(existsSync(path.join(stack.projectsDir, "rest_bot", "src", "rest_bot", "register.py"))).toBe(true);

    const duplicate = await stack.api("/api/v1/projects", post({ name: "rest_bot", template: "empty" }));
    expect(await problem(duplicate)).toMatchObject({ status: 409, code: "conflict" });
    const hyphen = await stack.api("/api/v1/projects", post({ name: "rest-bot" }));
    expect(hyphen.status).toBe(422);

    const listed = await stack.json<{ projects: Project[] }>("/api/v1/projects");
    expect(listed.projects.map((p) => p.id)).toContain(project.id);
    expect(await waitForEvents(project.id, ["project.created"])).toContain("project.created");
  });

  it("writes, reads, lists, searches and diffs files", async () => {
    const base = `/api/v1/projects/${project.id}/files`;
    const written = await stack.json<{ created: boolean; sha256: string }>(
      `${base}/src/rest_bot/greet.py`,
      post({ content: "def greet(name):\n    return f'hello {name}'\n" }, "PUT"),
    );
    expect(written.created).toBe(true);
    const read = await stack.json<{ content: string; sha256: string; binary: boolean }>(
      `${base}/src/rest_bot/greet.py`,
    );
    expect(read).toMatchObject({ content: "def greet(name):\n    return f'hello {name}'\n", binary: false });
    expect(read.sha256).toBe(written.sha256);

    const stale = await stack.api(
      `${base}/src/rest_bot/greet.py`,
      post({ content: "x", expectedSha256: "0".repeat(64) }, "PUT"),
    );
    expect(await problem(stale)).toMatchObject({ status: 409, code: "conflict" });

    const tree = await stack.json<{ entries: Array<{ path: string }> }>(base);
    expect(tree.entries.map((e) => e.path)).toEqual(
      expect.arrayContaining(["configs/config.yml", "src/rest_bot/greet.py"]),
    );

    const found = await stack.json<{ matches: Array<{ path: string; line: number; column: number }> }>(
      `${base}/search?query=${encodeURIComponent("hello \\{")}&regex=true`,
    );
    expect(found.matches).toEqual([expect.objectContaining({ path: "src/rest_bot/greet.py", line: 2 })]);
    const badRegex = await stack.api(`${base}/search?query=${encodeURIComponent("(")}&regex=true`);
    expect(await problem(badRegex)).toMatchObject({ status: 400, code: "bad_request" });

    const diff = await stack.json<{ diff: string }>(`${base}/diff`);
    expect(typeof diff.diff).toBe("string");
    expect(await waitForEvents(project.id, ["code.changed"])).toContain("code.changed");
  });

  it("refuses paths that leave the project: traversal, encoded traversal, a symlink to /etc", async () => {
    const base = `/api/v1/projects/${project.id}/files`;
    for (const hostile of [
      "..%2F..%2Fetc%2Fpasswd",
      "%252e%252e%252fetc%252fpasswd",
      "src/..%2F..%2F..%2Fetc%2Fpasswd",
    ]) {
      const response = await stack.api(`${base}/${hostile}`);
      expect(await problem(response), hostile).toMatchObject({ status: 403, code: "forbidden" });
    }
    // URL parsers resolve `%2e%2e/` segments before sending, so this one never
    // reaches a file route: whatever answers, it is not the file.
    const normalised = await stack.api(`${base}/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd`);
    expect(normalised.status).toBe(404);
    expect(await normalised.text()).not.toContain("root:");
    symlinkSync("/etc", path.join(stack.projectsDir, "rest_bot", "etc_link"));
    const viaLink = await stack.api(`${base}/etc_link/passwd`);
    expect(await problem(viaLink)).toMatchObject({ status: 403, code: "forbidden" });
    const writeViaLink = await stack.api(`${base}/etc_link/att-test`, post({ content: "x" }, "PUT"));
    expect(await problem(writeViaLink)).toMatchObject({ status: 403, code: "forbidden" });
    expect(existsSync("/etc/att-test")).toBe(false);
  });

  it("commits, branches, logs, opens a local pull request and merges it", async () => {
    const git = `/api/v1/projects/${project.id}/git`;
    const status = await stack.json<{ untracked: string[]; clean: boolean }>(`${git}/status`);
    expect(status.clean).toBe(false);

    const empty = await stack.api(`${git}/commit`, post({ message: "  " }));
    expect(await problem(empty)).toMatchObject({ status: 400 });
    const first = await stack.json<{ commit: { sha: string } }>(
      `${git}/commit`,
      post({ message: "Start", paths: ["."] }),
    );
    expect(first.commit.sha).toMatch(/^[0-9a-f]{7,}/);
    const nothing = await stack.api(`${git}/commit`, post({ message: "again" }));
    expect(await problem(nothing)).toMatchObject({ status: 409, code: "conflict" });

    const branch = await stack.api(`${git}/branch`, post({ name: "feature/shout" }));
    expect(branch.status).toBe(201);
    const duplicate = await stack.api(`${git}/branch`, post({ name: "feature/shout" }));
    expect(await problem(duplicate)).toMatchObject({ status: 409 });

    await stack.json(
      `/api/v1/projects/${project.id}/files/src/rest_bot/greet.py`,
      post({ content: "def greet(name):\n    return f'HELLO {name}'\n" }, "PUT"),
    );
    await stack.json(`${git}/commit`, post({ message: "Shout", all: true }));
    const log = await stack.json<{ commits: Array<{ message: string }> }>(`${git}/log?limit=1`);
    expect(log.commits.map((c) => c.message.trim())).toEqual(["Shout"]);

    const between = await stack.json<{ diff: string }>(
      `/api/v1/projects/${project.id}/files/diff?from=main&to=feature/shout`,
    );
    expect(between.diff).toContain("+    return f'HELLO {name}'");

    const pr = await stack.json<{ pullRequest: { number: number; provider: string; state: string } }>(
      `${git}/pr`,
      post({ title: "Shout", base: "main", provider: "local" }),
    );
    expect(pr.pullRequest).toMatchObject({ provider: "local", state: "open" });
    const merged = await stack.json<{ pullRequest: { state: string; mergeCommit: string } }>(
      `${git}/pr/merge`,
      post({ number: pr.pullRequest.number, provider: "local" }),
    );
    expect(merged.pullRequest.state).toBe("merged");
    const mainLog = await stack.json<{ commits: Array<{ sha: string }> }>(`${git}/log?ref=main&limit=1`);
    expect(merged.pullRequest.mergeCommit.startsWith(mainLog.commits[0]?.sha.slice(0, 7) ?? "?")).toBe(true);
    const types = await waitForEvents(project.id, ["git.commit", "git.pr.created", "git.pr.merged"]);
    expect(types).toEqual(expect.arrayContaining(["git.commit", "git.pr.created", "git.pr.merged"]));
  });

  it("clones from a file:// URL, and a failing clone leaves nothing behind", async () => {
    const origin = path.join(stack.dir, "origin");
    mkdirSync(origin);
    execFileSync("git", ["init", "-q", "-b", "main", origin]);
    writeFileSync(path.join(origin, "README.md"), "# origin\n");
    execFileSync("git", ["-C", origin, "add", "."]);
    execFileSync("git", ["-C", origin, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init"]);
    const cloned = await stack.api("/api/v1/projects/clone", post({ url: `file://${origin}`, name: "cloned_one" }));
    expect(cloned.status).toBe(201);
    expect(((await cloned.json()) as { project: Project }).project).toMatchObject({ status: "cloned" });
    expect(readFileSync(path.join(stack.projectsDir, "cloned_one", "README.md"), "utf8")).toBe("# origin\n");

    const before = await stack.json<{ projects: Project[] }>("/api/v1/projects");
    const failed = await stack.api(
      "/api/v1/projects/clone",
      post({ url: `file://${path.join(stack.dir, "missing")}`, name: "never_there" }),
    );
    expect(failed.status).toBeGreaterThanOrEqual(400);
    expect(existsSync(path.join(stack.projectsDir, "never_there"))).toBe(false);
    const after = await stack.json<{ projects: Project[] }>("/api/v1/projects");
    expect(after.projects.map((p) => p.name).sort()).toEqual(before.projects.map((p) => p.name).sort());
  });

  it("exports a project as zip and imports it as a new one; deletes it", async () => {
    const archive = await stack.api(`/api/v1/projects/${project.id}/archive`);
    expect(archive.status).toBe(200);
    expect(archive.headers.get("content-type")).toBe("application/zip");
    const bytes = Buffer.from(await archive.arrayBuffer());
    expect(bytes.subarray(0, 2).toString()).toBe("PK");

    const imported = await stack.api(
      "/api/v1/projects/download",
      post({ name: "from_zip", archiveBase64: bytes.toString("base64") }),
    );
    expect(imported.status).toBe(201);
    const copy = ((await imported.json()) as { project: Project }).project;
    expect(readFileSync(path.join(copy.path, "src", "rest_bot", "greet.py"), "utf8")).toContain("HELLO");

    const deleted = await stack.api(`/api/v1/projects/${copy.id}`, { method: "DELETE" });
    expect(deleted.status).toBe(200);
    expect(existsSync(copy.path)).toBe(false);
    const gone = await stack.api(`/api/v1/projects/${copy.id}`);
    expect(await problem(gone)).toMatchObject({ status: 404, code: "not_found" });
  });
});
