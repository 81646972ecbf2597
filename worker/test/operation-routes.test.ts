/**
 * REST adapters: each route turns its path, query and body into one agent
 * request with the right method and params, and relays the answer or error.
 * The far end is a test socket speaking the agent protocol; the real agent is
 * exercised by tests/integration.
 */
import { describe, expect, it } from "vitest";
import { api, connectTestAgent, type SocketQueue } from "./helpers.ts";

const P = "proj-1";

async function expectRequest(
  agent: SocketQueue,
  pending: Promise<Response>,
  expected: { method: string; params: Record<string, unknown> },
  result: unknown,
): Promise<Response> {
  const request = await agent.next((f) => f.type === "request");
  if (request.type !== "request") throw new Error("expected a request frame");
  expect(request.method).toBe(expected.method);
  expect(request.params).toEqual(expected.params);
  agent.send({ type: "response", id: request.id, ok: true, result });
  return pending;
}

const json = (body: unknown, method = "POST") => ({
  method,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

describe("REST adapters over agent operations", () => {
  it("a file path with several segments reaches code.read whole, with paging from the query", async () => {
    const agent = await connectTestAgent();
    const content = {
      path: "src/app/main.py",
      encoding: "utf8",
      binary: false,
      content: "x",
      size: 1,
      offset: 10,
      nextOffset: null,
      sha256: "0".repeat(64),
    };
    const response = await expectRequest(
      agent,
      api(`/api/v1/projects/${P}/files/src/app/main.py?offset=10&length=100`),
      { method: "code.read", params: { projectId: P, path: "src/app/main.py", offset: 10, length: 100 } },
      content,
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(content);
  });

  it("PUT files/{path} sends code.write with the body; search and diff are not read as file names", async () => {
    const agent = await connectTestAgent();
    await expectRequest(
      agent,
      api(`/api/v1/projects/${P}/files/a/b.txt`, json({ content: "hi" }, "PUT")),
      { method: "code.write", params: { projectId: P, path: "a/b.txt", content: "hi", encoding: "utf8" } },
      { path: "a/b.txt", size: 2, sha256: "1".repeat(64), created: true },
    );
    await expectRequest(
      agent,
      api(`/api/v1/projects/${P}/files/search?query=TODO&regex=false&caseSensitive=0&context=1`),
      {
        method: "code.search",
        params: { projectId: P, query: "TODO", regex: false, caseSensitive: false, context: 1 },
      },
      { matches: [], truncated: false },
    );
    await expectRequest(
      agent,
      api(`/api/v1/projects/${P}/files/diff?from=main&to=feature/x`),
      { method: "code.diff", params: { projectId: P, from: "main", to: "feature/x" } },
      { diff: "", files: [], truncated: false },
    );
  });

  it("git routes map bodies and queries to their methods", async () => {
    const agent = await connectTestAgent();
    const commit = { sha: "abcdef1", message: "m", author: "a", email: "a@b", date: new Date().toISOString() };
    const created = await expectRequest(
      agent,
      api(`/api/v1/projects/${P}/git/branch`, json({ name: "feature/x" })),
      { method: "git.branch.create", params: { projectId: P, name: "feature/x", switch: true } },
      { branch: { name: "feature/x", current: true, sha: "abcdef1", upstream: null } },
    );
    expect(created.status).toBe(201);
    await expectRequest(
      agent,
      api(`/api/v1/projects/${P}/git/log?limit=5`),
      { method: "git.log", params: { projectId: P, limit: 5 } },
      { commits: [commit] },
    );
    await expectRequest(
      agent,
      api(`/api/v1/projects/${P}/git/actions/run-7/log`),
      { method: "git.actions.log", params: { projectId: P, runId: "run-7" } },
      {
        run: {
          id: "run-7",
          name: "ci",
          branch: null,
          headSha: null,
          status: "completed",
          conclusion: "success",
          url: null,
          createdAt: commit.date,
          updatedAt: commit.date,
        },
        log: "ok",
        truncated: false,
      },
    );
  });

  it("bad input is refused before the agent is asked", async () => {
    await connectTestAgent();
    const badBool = await api(`/api/v1/projects/${P}/files?hidden=yes`);
    expect(badBool.status).toBe(422);
    const badBranch = await api(`/api/v1/projects/${P}/git/branch`, json({ name: "-rf" }));
    expect(badBranch.status).toBe(422);
    expect(((await badBranch.json()) as { errors: Array<{ path: string }> }).errors[0]?.path).toBe("name");
    const badJson = await api(`/api/v1/projects/${P}/git/commit`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{",
    });
    expect(badJson.status).toBe(400);
    const badName = await api("/api/v1/projects", json({ name: "My-App" }));
    expect(badName.status).toBe(422);
  });

  it("an agent error keeps its code and details in the problem", async () => {
    const agent = await connectTestAgent();
    const pending = api(`/api/v1/projects/${P}/files/..%2f..%2fetc/passwd`);
    const request = await agent.next((f) => f.type === "request");
    if (request.type !== "request") throw new Error("expected a request frame");
    expect(request.params).toMatchObject({ path: "../../etc/passwd" });
    agent.send({
      type: "response",
      id: request.id,
      ok: false,
      error: {
        code: "forbidden",
        message: "'../../etc/passwd' leaves the project",
        details: { path: "../../etc/passwd" },
      },
    });
    const response = await pending;
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({ code: "forbidden", details: { path: "../../etc/passwd" } });
  });

  it("the archive download answers with the zip bytes", async () => {
    const agent = await connectTestAgent();
    const bytes = new Uint8Array([0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const response = await expectRequest(
      agent,
      api(`/api/v1/projects/${P}/archive`),
      { method: "projects.export", params: { projectId: P } },
      { archiveBase64: btoa(String.fromCharCode(...bytes)), bytes: bytes.length, files: 0 },
    );
    expect(response.headers.get("content-type")).toBe("application/zip");
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
  });
});
