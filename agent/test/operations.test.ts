/** Operations against real directories and a real git repository. */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { executeRequest, rejectMalformedRequest } from "../src/link/requests.ts";
import { emitEvent } from "../src/operations/context.ts";
import type { ProjectCatalog } from "../src/operations/projects.ts";
import type { Outbox } from "../src/state/outbox.ts";
import { createTestContext, type TestContext } from "./support/context.ts";

let testContext: TestContext;
let root: string;
let catalog: ProjectCatalog;
let outbox: Outbox;
const context = () => testContext;

beforeEach(() => {
  testContext = createTestContext();
  root = testContext.config.projectsDir;
  catalog = testContext.catalog;
  outbox = testContext.outbox;
});
afterEach(() => {
  testContext.dispose();
});

describe("ProjectCatalog", () => {
  it("lists directories (not files, not hidden), with ids stable across scans", async () => {
    mkdirSync(path.join(root, "alpha", "configs"), { recursive: true });
    writeFileSync(path.join(root, "alpha", "configs", "config.yml"), "workflow: {}\n");
    mkdirSync(path.join(root, "beta"));
    mkdirSync(path.join(root, ".hidden"));
    writeFileSync(path.join(root, "notes.txt"), "x");
    const first = await catalog.list();
    expect(first.map((p) => p.name)).toEqual(["alpha", "beta"]);
    expect(first[0]).toMatchObject({
      natConfigPath: "configs/config.yml",
      status: "created",
      path: path.join(root, "alpha"),
    });
    expect((await catalog.list()).map((p) => p.id)).toEqual(first.map((p) => p.id));
  });

  it("drops a project whose directory is gone", async () => {
    mkdirSync(path.join(root, "gone"), { recursive: true });
    const [project] = await catalog.list();
    rmSync(path.join(root, "gone"), { recursive: true });
    expect(await catalog.list()).toEqual([]);
    await expect(catalog.get(project?.id ?? "")).rejects.toMatchObject({ code: "not_found" });
  });

  it("reports a clone's origin and status", async () => {
    const repo = path.join(root, "cloned");
    mkdirSync(repo, { recursive: true });
    execFileSync("git", ["init", "-q", repo]);
    execFileSync("git", ["-C", repo, "remote", "add", "origin", "https://example.com/x.git"]);
    const [project] = await catalog.list();
    expect(project).toMatchObject({ gitRemote: "https://example.com/x.git", status: "cloned" });
  });

  it("an empty or missing root lists nothing", async () => {
    expect(await catalog.list()).toEqual([]);
  });
});

describe("executeRequest", () => {
  it("answers ping and projects.list", async () => {
    mkdirSync(path.join(root, "one"), { recursive: true });
    const ping = await executeRequest(
      { type: "request", id: "1", method: "agent.ping", params: { payload: "x" } },
      context(),
    );
    expect(ping).toMatchObject({ id: "1", ok: true, result: { payload: "x" } });
    const list = await executeRequest({ type: "request", id: "2", method: "projects.list", params: {} }, context());
    expect(list).toMatchObject({ ok: true, result: { projects: [{ name: "one" }] } });
  });

  it("turns an operation's failure into an error answer with its code", async () => {
    const answer = await executeRequest(
      { type: "request", id: "3", method: "projects.get", params: { projectId: "missing" } },
      context(),
    );
    expect(answer).toEqual({
      type: "response",
      id: "3",
      ok: false,
      error: { code: "not_found", message: "no project with id 'missing'" },
    });
  });

  it("queues a diagnostic burst in the outbox before answering", async () => {
    mkdirSync(path.join(root, "one"), { recursive: true });
    const [project] = await catalog.list();
    const answer = await executeRequest(
      {
        type: "request",
        id: "4",
        method: "diagnostics.emitEvents",
        params: { projectId: project?.id ?? "", count: 25 },
      },
      context(),
    );
    expect(answer).toMatchObject({ ok: true, result: { emitted: 25 } });
    expect(outbox.size()).toBe(25);
    expect(outbox.after(0, 100).map((e) => e.event.payload.index)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(testContext.wakes()).toBe(1);
  });
});

describe("rejectMalformedRequest", () => {
  const error = { code: "validation_failed" as const, message: "bad" };
  it("answers a request for an unknown method with unknown_method", () => {
    const text = JSON.stringify({ type: "request", id: "9", method: "shell.exec", params: {} });
    expect(rejectMalformedRequest(text, error)).toMatchObject({
      id: "9",
      ok: false,
      error: { code: "unknown_method" },
    });
  });
  it("answers a known method with bad params with the validation error", () => {
    const text = JSON.stringify({ type: "request", id: "9", method: "projects.get", params: {} });
    expect(rejectMalformedRequest(text, error)).toMatchObject({ ok: false, error });
  });
  it("ignores frames that are not requests or have no id", () => {
    expect(rejectMalformedRequest("{", error)).toBeNull();
    expect(rejectMalformedRequest(JSON.stringify({ type: "request" }), error)).toBeNull();
    expect(rejectMalformedRequest(JSON.stringify({ type: "other", id: "1" }), error)).toBeNull();
  });
});

describe("answers and events that would not fit in one link frame", () => {
  it("a code.tree answer over 1 MiB becomes payload_too_large, never an oversized frame", async () => {
    const dir = path.join(root, "wide");
    mkdirSync(dir, { recursive: true });
    const long = "n".repeat(200);
    for (let i = 0; i < 5000; i += 1) writeFileSync(path.join(dir, `${long}_${i}.txt`), "");
    const [project] = await catalog.list();
    const answer = await executeRequest(
      {
        type: "request",
        id: "wide",
        method: "code.tree",
        params: { projectId: project?.id ?? "", path: "", hidden: true, limit: 10_000 },
      },
      context(),
    );
    expect(answer).toMatchObject({ ok: false, error: { code: "payload_too_large" } });
    const narrow = await executeRequest(
      {
        type: "request",
        id: "narrow",
        method: "code.tree",
        params: { projectId: project?.id ?? "", path: "", hidden: false, limit: 100 },
      },
      context(),
    );
    expect(narrow).toMatchObject({ ok: true, result: { truncated: true } });
  });

  it("an event payload over the budget is replaced by a note of its size and keys", () => {
    const event = emitEvent(context(), {
      projectId: "p",
      type: "git.commit",
      payload: { files: Array.from({ length: 20_000 }, (_, i) => `src/file_${i}.py`), sha: "abc" },
    });
    expect(event.payload).toMatchObject({ truncated: true, keys: ["files", "sha"] });
    expect(Number(event.payload.bytes)).toBeGreaterThan(256 * 1024);
    expect(outbox.size()).toBe(1);
  });
});
