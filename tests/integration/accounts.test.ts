/**
 * Many users on one control plane, against the real stack (wrangler dev with
 * the directory and workspace Durable Objects, real agents): each workspace's
 * data is out of reach of other workspaces' users, every REST operation and
 * MCP tool refuses a lesser role, tokens and sessions behave, a revoked agent
 * is cut off at once, and a burst past the rate budget gets 429.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import {
  type Me,
  type Project,
  type Role,
  TOOL_ROLE_META,
  TOOL_ROLES_META,
  type TokenInfo,
  type Workflow,
} from "@att/shared";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { GroupProcess } from "../../agent/src/start/processes.ts";
import { addMember, createUser, type TestUser, tokenIn } from "../support/accounts.ts";
import { Stack } from "../support/stack.ts";

const RANK: Record<Role, number> = { viewer: 1, editor: 2, owner: 3 };
const LESSER: Record<Role, Role[]> = { viewer: [], editor: ["viewer"], owner: ["viewer", "editor"] };

interface Operation {
  method: string;
  path: string;
  role: string | undefined;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function mcpClient(
  stack: Stack,
  token: string,
): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(`${stack.url}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: "accounts-test", version: "1.0.0" });
  await client.connect(transport);
  return { client, transport };
}

function errorCode(result: unknown): string | undefined {
  const { isError, content } = result as { isError?: boolean; content?: unknown };
  if (isError !== true || !Array.isArray(content)) return undefined;
  const first = content[0] as { text?: string } | undefined;
  return (JSON.parse(first?.text ?? "{}") as { error?: { code?: string } }).error?.code;
}

/** Upgrades a project's event socket; resolves with the HTTP status if refused, or 101. */
function socketStatus(stack: Stack, projectId: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${stack.port}/api/v1/projects/${projectId}/ws`, [
      "att.v1",
      `att.bearer.${token}`,
    ]);
    ws.on("unexpected-response", (_request, response) => {
      resolve(response.statusCode ?? 0);
      ws.terminate();
    });
    ws.on("open", () => {
      resolve(101);
      ws.close();
    });
    ws.on("error", (error) => reject(error));
  });
}

describe("accounts: isolation, roles, tokens, sessions, agents, rate limits", () => {
  let stack: Stack;
  let alice: TestUser;
  let bob: TestUser;
  let editorToken: string;
  let viewerToken: string;
  let aliceAgent: GroupProcess;
  let alicePairing: string;
  let aliceProject: Project;

  beforeAll(async () => {
    stack = await Stack.start({ controlPlaneVars: { ATT_RATE_LIMIT_BURST: "300", ATT_RATE_LIMIT_PER_MINUTE: "60" } });
    alice = await createUser(stack, "alice");
    bob = await createUser(stack, "bob");
    const ed = await createUser(stack, "ed");
    const vi = await createUser(stack, "vi");
    await addMember(stack, alice.token, ed.userId, "editor");
    await addMember(stack, alice.token, vi.userId, "viewer");
    editorToken = (await tokenIn(stack, ed.token, alice.workspaceId)).secret;
    viewerToken = (await tokenIn(stack, vi.token, alice.workspaceId)).secret;

    // Alice pairs an agent on her own machine with her workspace.
    const paired = await stack.api("/api/v1/agents", {
      method: "POST",
      token: alice.token,
      body: JSON.stringify({ name: "alice-laptop" }),
    });
    expect(paired.status).toBe(201);
    const { pairing, secret } = (await paired.json()) as { pairing: { id: string }; secret: string };
    alicePairing = pairing.id;
    mkdirSync(path.join(stack.machineDir("alice", "projects"), "secret-app"));
    aliceAgent = stack.startAgent({ token: secret, name: "alice" });
    aliceProject = await until("alice's project through her agent", async () => {
      const response = await stack.api("/api/v1/projects", { token: alice.token });
      if (!response.ok) return undefined;
      const { projects } = (await response.json()) as { projects: Project[] };
      return projects.find((project) => project.name === "secret-app");
    });
  }, 180_000);

  afterAll(async () => {
    await stack?.dispose();
  });

  it("keeps each workspace's projects, events, workflows, tokens and MCP sessions out of other users' reach", async () => {
    const asBob = (pathname: string, init: RequestInit = {}) => stack.api(pathname, { ...init, token: bob.token });
    // Bob's workspace has no agent: Alice's agent and projects are not his to reach.
    expect((await asBob("/api/v1/projects")).status).toBe(503);
    expect((await asBob(`/api/v1/projects/${aliceProject.id}/events`)).status).toBe(404);
    expect(await socketStatus(stack, aliceProject.id, bob.token)).toBe(404);
    expect(await socketStatus(stack, aliceProject.id, alice.token)).toBe(101);
    // Nor is the admin's default workspace a back door: it has no agent of its own here.
    expect((await stack.api(`/api/v1/projects/${aliceProject.id}/events`)).status).toBe(404);

    const started = await stack.api("/api/v1/workflows", {
      method: "POST",
      token: alice.token,
      body: JSON.stringify({
        projectId: aliceProject.id,
        name: "wait",
        steps: [{ id: "wait", action: { type: "delay", ms: 10 } }],
      }),
    });
    expect(started.status).toBe(201);
    const workflow = (await started.json()) as Workflow;
    expect((await asBob(`/api/v1/workflows/${workflow.id}`)).status).toBe(404);
    expect((await asBob(`/api/v1/workflows/${workflow.id}/cancel`, { method: "POST" })).status).toBe(404);
    const bobsWorkflows = (await (await asBob("/api/v1/workflows")).json()) as { workflows: Workflow[] };
    expect(bobsWorkflows.workflows.map((w) => w.id)).not.toContain(workflow.id);

    // Tokens: Bob cannot mint one for Alice's workspace, see hers, or revoke hers.
    const minted = await asBob("/api/v1/tokens", {
      method: "POST",
      body: JSON.stringify({ name: "sneaky", workspaceId: alice.workspaceId }),
    });
    expect(minted.status).toBe(403);
    const alicesTokens = (await (await stack.api("/api/v1/tokens", { token: alice.token })).json()) as {
      tokens: TokenInfo[];
    };
    const aliceTokenId = alicesTokens.tokens[0]?.id ?? "";
    const bobsTokens = (await (await asBob("/api/v1/tokens")).json()) as { tokens: TokenInfo[] };
    expect(bobsTokens.tokens.map((t) => t.id)).not.toContain(aliceTokenId);
    expect((await asBob(`/api/v1/tokens/${aliceTokenId}`, { method: "DELETE" })).status).toBe(404);
    expect((await stack.api("/api/v1/me", { token: alice.token })).status).toBe(200);

    // Members: Bob's member changes land in his own workspace, never in Alice's.
    const put = await asBob(`/api/v1/workspace/members/${bob.userId}`, {
      method: "PUT",
      body: JSON.stringify({ role: "owner" }),
    });
    expect(put.status).toBe(200);
    const aliceMembers = (await (await stack.api("/api/v1/workspace/members", { token: alice.token })).json()) as {
      members: Array<{ user: { id: string } }>;
    };
    expect(aliceMembers.members.map((m) => m.user.id)).not.toContain(bob.userId);
    expect((await asBob(`/api/v1/agents/${alicePairing}`, { method: "DELETE" })).status).toBe(404);

    // An MCP session belongs to whoever opened it: Bob presenting Alice's session id finds nothing.
    const { client, transport } = await mcpClient(stack, alice.token);
    const sessionId = transport.sessionId ?? "";
    expect(sessionId).not.toBe("");
    const hijack = await fetch(`${stack.url}/mcp`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${bob.token}`,
        "mcp-session-id": sessionId,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name: "att.workflow.list", arguments: {} },
      }),
    });
    expect(hijack.status).toBe(404);
    // Forged caller headers are dropped by the Worker, not believed.
    const forged = await fetch(`${stack.url}/mcp`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${bob.token}`,
        "mcp-session-id": sessionId,
        "x-att-caller": JSON.stringify({ userId: alice.userId, workspaceId: alice.workspaceId, role: "owner" }),
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list", params: {} }),
    });
    expect(forged.status).toBe(404);
    const own = await client.callTool({ name: "att.workflow.list", arguments: {} });
    expect(JSON.stringify(own.structuredContent)).toContain(workflow.id);
    await client.close();
  }, 120_000);

  it("every REST operation declares its role and refuses a lesser one (and no credential) before reading the request", async () => {
    const doc = (await (await stack.api("/api/v1/openapi.json", { token: viewerToken })).json()) as {
      paths: Record<string, Record<string, { "x-att-role"?: string }>>;
    };
    const operations: Operation[] = Object.entries(doc.paths).flatMap(([route, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        method: method.toUpperCase(),
        path: route,
        role: op["x-att-role"],
      })),
    );
    const undeclared = operations.filter(
      (op) => !["public", "agent", "viewer", "editor", "owner"].includes(op.role ?? ""),
    );
    expect(undeclared).toEqual([]);

    const tokenOf: Record<Role, string> = { viewer: viewerToken, editor: editorToken, owner: alice.token };
    const url = (route: string) =>
      route
        .replace("{id}", aliceProject.id)
        .replace("{path}", "README.md")
        .replace(/\{\w+\}/g, "x1");
    let refusals = 0;
    for (const op of operations) {
      if (op.role === "public") continue;
      const body = ["GET", "HEAD", "DELETE"].includes(op.method) ? undefined : "{}";
      const anonymous = await stack.api(url(op.path), { method: op.method, token: null, body });
      expect(anonymous.status, `${op.method} ${op.path} without a token`).toBe(401);
      if (op.role === "agent") {
        const asUser = await stack.api(url(op.path), { method: op.method, token: alice.token });
        expect(asUser.status, `${op.method} ${op.path} with a user token`).toBe(401);
        continue;
      }
      for (const lesser of LESSER[op.role as Role]) {
        const response = await stack.api(url(op.path), { method: op.method, token: tokenOf[lesser], body });
        expect(response.status, `${op.method} ${op.path} as ${lesser} (needs ${op.role})`).toBe(403);
        expect(response.headers.get("content-type")).toBe("application/problem+json");
        expect(((await response.json()) as { code: string }).code).toBe("forbidden");
        refusals += 1;
      }
    }
    console.log(`${operations.length} operations; ${refusals} lesser-role requests refused`);
    expect(refusals).toBeGreaterThan(40);
  }, 180_000);

  it("every MCP tool declares its role and refuses a lesser one", async () => {
    const tokenOf: Record<Role, string> = { viewer: viewerToken, editor: editorToken, owner: alice.token };
    let refusals = 0;
    for (const held of ["viewer", "editor"] as const) {
      const { client } = await mcpClient(stack, tokenOf[held]);
      const { tools } = await client.listTools();
      for (const tool of tools) {
        const meta = tool._meta ?? {};
        const roles = (meta[TOOL_ROLES_META] as Record<string, Role> | undefined) ?? {
          "": meta[TOOL_ROLE_META] as Role,
        };
        for (const [selector, needed] of Object.entries(roles)) {
          expect(RANK[needed], `${tool.name} ${selector} declares a role`).toBeGreaterThan(0);
          if (RANK[needed] <= RANK[held]) continue;
          const args =
            selector === ""
              ? {}
              : selector.startsWith("with:")
                ? { [selector.slice(5)]: "x" }
                : selector.startsWith("without:")
                  ? {}
                  : { action: selector };
          const result = await client.callTool({ name: tool.name, arguments: args });
          expect(errorCode(result), `${tool.name} ${selector} as ${held} (needs ${needed})`).toBe("forbidden");
          refusals += 1;
        }
      }
      // The same client may still do what its role allows.
      const listed = await client.callTool({ name: "att.workflow.list", arguments: {} });
      expect(listed.isError ?? false).toBe(false);
      await client.close();
    }
    console.log(`${refusals} lesser-role MCP tool calls refused`);
    expect(refusals).toBeGreaterThan(30);
  }, 120_000);

  it("personal tokens are shown once, listed by prefix, capped by role and revocable", async () => {
    const created = await tokenIn(stack, alice.token, alice.workspaceId, "viewer");
    expect(created.secret.startsWith("attp_")).toBe(true);
    expect(created.token.prefix.length).toBeLessThan(12);
    const me = (await (await stack.api("/api/v1/me", { token: created.secret })).json()) as Me;
    expect(me.role).toBe("viewer");
    const listing = await (await stack.api("/api/v1/tokens", { token: alice.token })).text();
    expect(listing).toContain(created.token.id);
    expect(listing).not.toContain(created.secret);
    // A viewer-capped token cannot mint itself a stronger one.
    const escalate = await stack.api("/api/v1/tokens", {
      method: "POST",
      token: created.secret,
      body: JSON.stringify({ name: "stronger", role: "owner" }),
    });
    expect(escalate.status).toBe(403);
    const revoked = await stack.api(`/api/v1/tokens/${created.token.id}`, { method: "DELETE", token: alice.token });
    expect(revoked.status).toBe(200);
    expect((await stack.api("/api/v1/me", { token: created.secret })).status).toBe(401);
    // Only the admin token creates users.
    const byUser = await stack.api("/api/v1/users", {
      method: "POST",
      token: alice.token,
      body: JSON.stringify({ name: "x" }),
    });
    expect(byUser.status).toBe(403);
  });

  it("browser sessions use an HttpOnly SameSite cookie and need the CSRF token (and the same origin) to change anything", async () => {
    const signIn = await stack.api("/api/v1/session", {
      method: "POST",
      token: null,
      body: JSON.stringify({ token: alice.token }),
    });
    expect(signIn.status).toBe(201);
    const setCookie = signIn.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^__Host-att_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/Secure/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const { csrfToken } = (await signIn.json()) as { csrfToken: string };
    const cookie = setCookie.split(";")[0] ?? "";
    const withCookie = (pathname: string, init: RequestInit = {}) =>
      stack.api(pathname, { ...init, token: null, headers: { cookie, ...(init.headers as Record<string, string>) } });

    const me = (await (await withCookie("/api/v1/me")).json()) as Me;
    expect(me.credential).toBe("session");
    const create = { method: "POST", body: JSON.stringify({ name: "from the browser" }) };
    expect((await withCookie("/api/v1/tokens", create)).status).toBe(403);
    expect((await withCookie("/api/v1/tokens", { ...create, headers: { "x-csrf-token": "attc_wrong" } })).status).toBe(
      403,
    );
    const crossSite = await withCookie("/api/v1/tokens", {
      ...create,
      headers: { "x-csrf-token": csrfToken, origin: "https://evil.example" },
    });
    expect(crossSite.status).toBe(403);
    const good = await withCookie("/api/v1/tokens", { ...create, headers: { "x-csrf-token": csrfToken } });
    expect(good.status).toBe(201);
    expect(
      (await withCookie("/api/v1/session", { method: "DELETE", headers: { "x-csrf-token": csrfToken } })).status,
    ).toBe(204);
    expect((await withCookie("/api/v1/me")).status).toBe(401);
  });

  it("a demoted or removed member loses the role at once, whatever tokens they hold", async () => {
    const carol = await createUser(stack, "carol");
    await addMember(stack, alice.token, carol.userId, "editor");
    const carolToken = (await tokenIn(stack, carol.token, alice.workspaceId)).secret;
    const cancel = (token: string) => stack.api("/api/v1/workflows/x1/cancel", { method: "POST", token });
    expect((await cancel(carolToken)).status).not.toBe(403); // allowed (there is just no such workflow)
    await addMember(stack, alice.token, carol.userId, "viewer");
    expect((await cancel(carolToken)).status).toBe(403);
    const removed = await stack.api(`/api/v1/workspace/members/${carol.userId}`, {
      method: "DELETE",
      token: alice.token,
    });
    expect(removed.status).toBe(204);
    expect((await stack.api("/api/v1/me", { token: carolToken })).status).toBe(401);
    // The last owner stays.
    const lastOwner = await stack.api(`/api/v1/workspace/members/${alice.userId}`, {
      method: "DELETE",
      token: alice.token,
    });
    expect(lastOwner.status).toBe(409);
  });

  it("a burst past a token's budget gets 429 problem+json with Retry-After; other tokens are unaffected", async () => {
    const dave = await createUser(stack, "dave");
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    let problem: { code?: string; status?: number } = {};
    for (let batch = 0; batch < 22; batch += 1) {
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => stack.api("/api/v1/me", { token: dave.token })),
      );
      for (const response of responses) {
        statuses.push(response.status);
        if (response.status === 429) {
          retryAfter = response.headers.get("retry-after");
          problem = (await response.json()) as typeof problem;
        } else await response.arrayBuffer();
      }
    }
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
    expect(statuses.every((status) => status === 200 || status === 429)).toBe(true);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(problem).toMatchObject({ code: "rate_limited", status: 429 });
    expect((await stack.api("/api/v1/me", { token: alice.token })).status).toBe(200);
  });

  it("revoking an agent's pairing disconnects it at once, and it stops rather than retrying", async () => {
    const revoked = await stack.api(`/api/v1/agents/${alicePairing}`, { method: "DELETE", token: alice.token });
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { revokedAt: string | null }).revokedAt).not.toBeNull();
    await until("alice's agent to be gone", async () =>
      (await stack.api("/api/v1/projects", { token: alice.token })).status === 503 ? true : undefined,
    );
    const exit = await Promise.race([
      aliceAgent.exited.then(() => "exited"),
      new Promise((r) => setTimeout(() => r("running"), 20_000)),
    ]);
    expect(exit).toBe("exited");
  }, 60_000);
});
