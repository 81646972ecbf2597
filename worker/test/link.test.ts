/** The Durable Object's side of the agent link: requests, answers, idempotency, bad frames. */
import { CloseCode } from "@att/shared";
import { describe, expect, it } from "vitest";
import { AGENT_TOKEN, api, auth, connectTestAgent, makeProject, openSocket } from "./helpers.ts";

describe("requests through the agent", () => {
  it("GET /projects is answered by the agent over the link", async () => {
    const agent = await connectTestAgent();
    const pending = api("/api/v1/projects");
    const request = await agent.next((f) => f.type === "request");
    expect(request).toMatchObject({ method: "projects.list", params: {} });
    const project = makeProject(`p-${crypto.randomUUID()}`);
    agent.send({ type: "response", id: request.id, ok: true, result: { projects: [project] } });
    const response = await pending;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ projects: [project] });
    await agent.next((f) => f.type === "response.ack" && f.id === request.id);
  });

  it("the agent's error keeps its code: not_found becomes 404", async () => {
    const agent = await connectTestAgent();
    const pending = api("/api/v1/projects/nope");
    const request = await agent.next((f) => f.type === "request");
    expect(request).toMatchObject({ method: "projects.get", params: { projectId: "nope" } });
    agent.send({
      type: "response",
      id: request.id,
      ok: false,
      error: { code: "not_found", message: "no project with id 'nope'" },
    });
    const response = await pending;
    expect(response.status).toBe(404);
    expect(((await response.json()) as { detail: string }).detail).toContain("nope");
  });

  it("an answer that breaks the protocol is a 502, not a crash", async () => {
    const agent = await connectTestAgent();
    const pending = api("/api/v1/projects");
    const request = await agent.next((f) => f.type === "request");
    agent.send({ type: "response", id: request.id, ok: true, result: { projects: "many" } });
    expect((await pending).status).toBe(502);
  });

  it("a request survives a dropped link: it is resent to the next agent connection", async () => {
    const first = await connectTestAgent();
    const pending = api("/api/v1/agent/ping", {
      method: "POST",
      body: JSON.stringify({ payload: "hi" }),
      headers: { "content-type": "application/json" },
    });
    const request = await first.next((f) => f.type === "request");
    first.ws.close(1000, "simulated drop");
    const second = await connectTestAgent();
    const resent = await second.next((f) => f.type === "request" && f.id === request.id);
    second.send({
      type: "response",
      id: resent.id,
      ok: true,
      result: { payload: "hi", agentTime: new Date().toISOString() },
    });
    const response = await pending;
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ payload: "hi" });
  });

  it("a request made while a dropped link comes back waits for the agent instead of failing with 503", async () => {
    const first = await connectTestAgent();
    first.ws.close(CloseCode.heartbeatTimeout, "simulated drop"); // a drop, not a goodbye
    await first.closed;
    const pending = api("/api/v1/agent/ping", {
      method: "POST",
      body: JSON.stringify({ payload: "waited" }),
      headers: { "content-type": "application/json" },
    });
    const second = await connectTestAgent();
    const request = await second.next((f) => f.type === "request" && f.method === "agent.ping");
    second.send({
      type: "response",
      id: request.id,
      ok: true,
      result: { payload: "waited", agentTime: new Date().toISOString() },
    });
    const response = await pending;
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ payload: "waited" });
  });

  it("an answer repeated after reconnect is acknowledged and ignored", async () => {
    const agent = await connectTestAgent();
    const pending = api("/api/v1/agent/ping", { method: "POST" });
    const request = await agent.next((f) => f.type === "request");
    const answer = {
      type: "response",
      id: request.id,
      ok: true,
      result: { payload: "", agentTime: new Date().toISOString() },
    };
    agent.send(answer);
    agent.send(answer);
    expect((await pending).status).toBe(200);
    await agent.next((f) => f.type === "response.ack");
    await agent.next((f) => f.type === "response.ack");
  });

  it("no answer in time is 504 agent_timeout; no agent is 503 agent_unavailable", async () => {
    const agent = await connectTestAgent();
    const response = await api("/api/v1/projects");
    expect(response.status).toBe(504);
    expect(((await response.json()) as { code: string }).code).toBe("agent_timeout");
    agent.ws.close(1000, "bye");
    await agent.closed;
    const unavailable = await api("/api/v1/projects");
    expect(unavailable.status).toBe(503);
    expect(((await unavailable.json()) as { detail: string }).detail).toContain("npm start");
  });
});

describe("bad frames on the link", () => {
  it("malformed JSON and unknown types get an error frame and the link keeps working", async () => {
    const agent = await connectTestAgent();
    agent.send("{not json");
    expect(await agent.next((f) => f.type === "error")).toMatchObject({ error: { code: "invalid_json" } });
    agent.send({ type: "teleport" });
    expect(await agent.next((f) => f.type === "error")).toMatchObject({ error: { code: "validation_failed" } });
    const pending = api("/api/v1/projects");
    const request = await agent.next((f) => f.type === "request");
    agent.send({ type: "response", id: request.id, ok: true, result: { projects: [] } });
    expect((await pending).status).toBe(200);
  });

  it("a frame over the size limit closes the link with 1009", async () => {
    const agent = await connectTestAgent();
    agent.send(JSON.stringify({ type: "heartbeat", pad: "x".repeat(1_100_000) }));
    expect((await agent.closed).code).toBe(CloseCode.messageTooBig);
  });

  it("anything before hello closes the link with 4400; a wrong protocol version with 4426", async () => {
    const early = await openSocket("/api/v1/agent/ws", auth(AGENT_TOKEN));
    early.send({ type: "heartbeat" });
    early.send({ type: "response", id: "x", ok: true, result: null });
    expect((await early.closed).code).toBe(CloseCode.invalidFrame);

    const old = await openSocket("/api/v1/agent/ws", auth(AGENT_TOKEN));
    old.send({
      type: "hello",
      protocolVersion: 99,
      agentId: "a",
      capabilities: {
        agentVersion: "0",
        os: { platform: "x", release: "x", arch: "x" },
        node: "0",
        git: null,
        python: null,
        nat: null,
        projectsDir: "/",
      },
      projects: [],
    });
    expect((await old.closed).code).toBe(CloseCode.protocolVersion);
  });

  it("a newer agent connection replaces the old one with 4409", async () => {
    const first = await connectTestAgent();
    await connectTestAgent();
    expect((await first.closed).code).toBe(CloseCode.replaced);
  });

  it("an agent upgrade that never says hello (a stale, dropped attempt) leaves the linked agent alone", async () => {
    const agent = await connectTestAgent();
    const stale = await openSocket("/api/v1/agent/ws", auth(AGENT_TOKEN));
    stale.ws.close(1000, "gone before hello");
    const pending = api("/api/v1/agent/ping", {
      method: "POST",
      body: JSON.stringify({ payload: "still linked" }),
      headers: { "content-type": "application/json" },
    });
    const request = await agent.next((f) => f.type === "request" && f.method === "agent.ping");
    agent.send({
      type: "response",
      id: request.id,
      ok: true,
      result: { payload: "still linked", agentTime: new Date().toISOString() },
    });
    expect((await pending).status).toBe(200);
  });
});

describe("health", () => {
  it("reports the connected agent and its capabilities", async () => {
    await connectTestAgent();
    const health = (await (await api("/api/v1/health")).json()) as { agent: { connected: boolean; agentId: string } };
    expect(health.agent).toMatchObject({ connected: true, agentId: "agent-test" });
  });
});
