/**
 * Helpers for Worker tests inside workerd. `TestAgentSocket` speaks the agent
 * protocol from the test itself, so these tests exercise the Durable Object's
 * side of the link; the real agent process is covered in tests/integration.
 */
import { SELF } from "cloudflare:test";
import type { AgentEvent, Project } from "@att/shared";

export const USER_TOKEN = "test-user-token";
export const AGENT_TOKEN = "test-agent-token";
export const BASE = "http://127.0.0.1";

export const auth = (token = USER_TOKEN) => ({ authorization: `Bearer ${token}` });

export function api(path: string, init: RequestInit = {}): Promise<Response> {
  return SELF.fetch(`${BASE}${path}`, { ...init, headers: { ...auth(), ...(init.headers as Record<string, string>) } });
}

type Frame = { type: string; [key: string]: unknown };

/** A WebSocket with a queue of parsed incoming frames and a close promise. */
export class SocketQueue {
  readonly ws: WebSocket;
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: Array<() => void> = [];

  constructor(ws: WebSocket) {
    this.ws = ws;
    this.closed = new Promise((resolve) =>
      ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason })),
    );
    ws.addEventListener("message", (e) => {
      this.frames.push(JSON.parse(String(e.data)) as Frame);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    ws.accept();
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** Removes and returns the first frame matching `match`, waiting up to `timeoutMs`. */
  async next(match: (f: Frame) => boolean = () => true, timeoutMs = 3000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.frames.findIndex(match);
      if (index >= 0) return this.frames.splice(index, 1)[0] as Frame;
      if (Date.now() > deadline)
        throw new Error(`no matching frame within ${timeoutMs} ms; have ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }
}

export async function openSocket(path: string, headers: Record<string, string>): Promise<SocketQueue> {
  const response = await SELF.fetch(`${BASE}${path}`, { headers: { upgrade: "websocket", ...headers } });
  if (response.webSocket === null) throw new Error(`no upgrade: ${response.status} ${await response.text()}`);
  return new SocketQueue(response.webSocket);
}

export function makeProject(id: string): Project {
  const now = new Date().toISOString();
  return {
    id,
    name: id,
    path: `/tmp/${id}`,
    gitRemote: null,
    natConfigPath: null,
    status: "created",
    createdAt: now,
    updatedAt: now,
  };
}

export async function connectTestAgent(projects: Project[] = []): Promise<SocketQueue> {
  const socket = await openSocket("/api/v1/agent/ws", auth(AGENT_TOKEN));
  socket.send({
    type: "hello",
    protocolVersion: 1,
    agentId: "agent-test",
    capabilities: {
      agentVersion: "0.0.0",
      os: { platform: "test", release: "1", arch: "x64" },
      node: "24",
      git: null,
      python: null,
      nat: null,
      projectsDir: "/tmp",
    },
    projects,
  });
  await socket.next((f) => f.type === "hello.ack");
  return socket;
}

export function makeEvent(projectId: string, index: number): AgentEvent {
  return {
    id: crypto.randomUUID(),
    projectId,
    type: "diagnostic",
    payload: { index },
    timestamp: new Date().toISOString(),
    actor: "agent",
  };
}

/** Sends events and waits for every ack; returns the seqs the control plane assigned. */
export async function sendEvents(agent: SocketQueue, events: AgentEvent[]): Promise<number[]> {
  for (const event of events) agent.send({ type: "event", event });
  const seqs: number[] = [];
  for (const event of events) {
    const ack = await agent.next((f) => f.type === "event.ack" && f.eventId === event.id);
    seqs.push(ack.seq as number);
  }
  return seqs;
}
