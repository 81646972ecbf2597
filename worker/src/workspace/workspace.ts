/**
 * The workspace Durable Object: projects, the event log, the agent link and
 * event subscribers of one workspace. The Worker calls its RPC methods and
 * hands it WebSocket upgrades; it never touches the developer's files.
 */

import { DurableObject } from "cloudflare:workers";
import {
  type AgentMethod,
  AgentToServerFrame,
  type ApprovalDecision,
  CloseCode,
  type EventListResponse,
  type EventsQuery,
  type EventType,
  HEARTBEAT_ACK_TEXT,
  HEARTBEAT_TEXT,
  type HealthResponse,
  type Json,
  type JsonObject,
  type McpFailoverCallBody,
  type McpResourceList,
  type McpResourceReadBody,
  type McpResourceReadResult,
  type McpServer,
  type McpServerCreate,
  type McpServerList,
  type McpToolCallBody,
  type McpToolCallResult,
  METHOD_TIMEOUT_MS,
  type MethodParams,
  type MethodResult,
  PROTOCOL_VERSION,
  type Project,
  parseFrame,
  type SelfChangeRequest,
  type ServerToAgentFrame,
  WORKSPACE_LOG_ID,
  type Workflow,
  type WorkflowCreate,
  type WorkflowList,
  type WorkflowListQuery,
} from "@att/shared";
import { drizzle } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import migrations from "../../drizzle/migrations.js";
import type { Env } from "../env.ts";
import { HubCalls } from "../hub/calls.ts";
import { checkIntervalMs, HUB_WAKE_OWNER, McpHub } from "../hub/hub.ts";
import { SecretSealer, secretKeyMaterial } from "../hub/sealed.ts";
import { log } from "../log.ts";
import { WORKFLOW_WAKE_OWNER, WorkflowEngine } from "../workflows/engine.ts";
import { SELF_CHANGE_KIND, selfChangeWorkflow } from "../workflows/self-change.ts";
import { WorkflowStore } from "../workflows/store.ts";
import { AgentLink, safeClose } from "./agent-link.ts";
import { acceptAgentSocket, closePairing, replaceOtherAgents } from "./agent-sockets.ts";
import { AgentState } from "./agent-state.ts";
import { EventLog, type WorkspaceDb } from "./event-log.ts";
import { failure, type Outcome, success } from "./outcome.ts";
import { ProjectStore } from "./project-store.ts";
import { projectTag, readAttachment, SUBSCRIBER_TAG, trySend, writeAttachment } from "./sockets.ts";
import { broadcast, replay, replayTail, send } from "./subscribers.ts";
import { acceptSocket, notFound } from "./upgrade.ts";
import { Wakeups } from "./wakeups.ts";

const DEFAULT_AGENT_TIMEOUT_MS = 30_000;
/** When a timer's owner fails, how soon it is woken again. */
const RETRY_WAKE_MS = 5000;

export class Workspace extends DurableObject<Env> {
  readonly #db: WorkspaceDb;
  readonly #events: EventLog;
  readonly #projects: ProjectStore;
  readonly #agentState: AgentState;
  readonly #link: AgentLink;
  readonly #hub: McpHub;
  readonly #hubCalls: HubCalls;
  readonly #wakeups: Wakeups;
  readonly #workflows: WorkflowEngine;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#db = drizzle(ctx.storage, { logger: false });
    this.#events = new EventLog(this.#db);
    this.#projects = new ProjectStore(this.#db);
    this.#agentState = new AgentState(this.#db);
    this.#link = new AgentLink(ctx);
    this.#wakeups = new Wakeups(this.#db, ctx.storage);
    const hubRecord = (event: { type: EventType; payload: JsonObject }) =>
      this.#record({ ...event, projectId: WORKSPACE_LOG_ID, actor: "hub" });
    this.#hub = new McpHub({
      db: this.#db,
      version: env.ATT_VERSION,
      intervalMs: checkIntervalMs(env.ATT_MCP_CHECK_INTERVAL_MS),
      wakeups: this.#wakeups,
      invoke: (method, params, { requestId, timeoutMs }) => this.#call(method, params, requestId, { timeoutMs }),
      record: hubRecord,
      sealer: new SecretSealer(secretKeyMaterial(env)),
    });
    this.#hubCalls = new HubCalls({ hub: this.#hub, record: hubRecord });
    this.#workflows = new WorkflowEngine({
      store: new WorkflowStore(this.#db),
      wakeups: this.#wakeups,
      invoke: async ({ method, params, frameId, timeoutMs }) => {
        const outcome = await this.#call(method, params as MethodParams<typeof method>, frameId, {
          frameId,
          timeoutMs,
        });
        if (outcome.ok) this.#remember(method, outcome.value);
        return outcome;
      },
      callTool: async ({ tool, arguments: args, correlationId }) =>
        (await this.#hubCalls.call({ name: tool, arguments: args }, correlationId)) as Outcome<Json>,
      record: (event) => this.#record(event),
    });
    ctx.blockConcurrencyWhile(async () => {
      await migrate(this.#db, migrations);
      // Workflows that were running when the control plane stopped carry on (at the next alarm).
      await this.#workflows.resume();
      // Every registered MCP server has a health-check timer.
      await this.#hub.ensureScheduled();
    });
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(HEARTBEAT_TEXT, HEARTBEAT_ACK_TEXT));
  }

  // --- RPC ------------------------------------------------------------------

  health(): HealthResponse["agent"] {
    const ws = this.#link.socket();
    const record = this.#agentState.read();
    const connected = ws !== undefined && !this.#link.closeIfSilent(ws);
    return {
      connected,
      agentId: record?.agentId ?? null,
      connectedAt: connected ? (record?.connectedAt ?? null) : null,
      lastHeartbeatAt: connected ? new Date(this.#link.lastHeardAt(ws)).toISOString() : null,
      capabilities: record?.capabilities ?? null,
    };
  }

  /**
   * Runs one agent operation: the single path REST routes and MCP tools share.
   * Answers that describe projects refresh the control plane's record of them.
   */
  async invoke<M extends AgentMethod>(
    method: M,
    params: MethodParams<M>,
    requestId: string,
  ): Promise<Outcome<MethodResult<M>>> {
    const outcome = await this.#call(method, params, requestId);
    if (outcome.ok) this.#remember(method, outcome.value);
    return outcome;
  }

  /** Ends a revoked pairing's link now; its token no longer authenticates, so it cannot return. */
  disconnectAgent(pairingId: string, code: number, reason: string): void {
    closePairing(this.ctx, pairingId, code, reason);
  }

  /** The Durable Object's own answer: the baseline for the agent round trip. */
  now(): string {
    return new Date().toISOString();
  }

  listEvents(projectId: string, query: EventsQuery): Outcome<EventListResponse> {
    if (!this.#knowsProject(projectId)) return failure(unknownProject(projectId));
    const events = this.#events.list(projectId, { ...query, limit: query.limit + 1 });
    const hasMore = events.length > query.limit;
    const page = hasMore ? events.slice(0, query.limit) : events;
    const newest = query.order === "desc" ? page[0] : page.at(-1);
    return success({ events: page, hasMore, nextAfter: newest?.seq ?? query.after });
  }

  // --- MCP client hub (worker/src/hub) --------------------------------------

  mcpServers(): McpServerList {
    return this.#hub.list();
  }

  addMcpServer(input: McpServerCreate, requestId: string): Promise<Outcome<McpServer>> {
    return this.#hub.add(input, requestId);
  }

  removeMcpServer(id: string, requestId: string): Promise<Outcome<null>> {
    return this.#hub.remove(id, requestId);
  }

  checkMcpServer(id: string, requestId: string): Promise<Outcome<McpServer>> {
    return this.#hub.check(id, requestId);
  }

  callMcpTool(serverId: string, body: McpToolCallBody, correlationId: string): Promise<Outcome<McpToolCallResult>> {
    return this.#hubCalls.callOn(serverId, body, correlationId);
  }

  callMcpToolByName(body: McpFailoverCallBody, correlationId: string): Promise<Outcome<McpToolCallResult>> {
    return this.#hubCalls.call(body, correlationId);
  }

  mcpResources(serverId: string, requestId: string, timeoutMs: number): Promise<Outcome<McpResourceList>> {
    return this.#hubCalls.listResources(serverId, requestId, timeoutMs);
  }

  readMcpResource(
    serverId: string,
    body: McpResourceReadBody,
    correlationId: string,
  ): Promise<Outcome<McpResourceReadResult>> {
    return this.#hubCalls.read(serverId, body, correlationId);
  }

  // --- workflows (worker/src/workflows) -----------------------------------------

  createWorkflow(create: WorkflowCreate, actor: string): Promise<Outcome<Workflow>> {
    if (!this.#projects.exists(create.projectId)) return Promise.resolve(failure(unknownProject(create.projectId)));
    return this.#workflows.create(create, { kind: "custom", actor });
  }

  selfChange(projectId: string, request: SelfChangeRequest, actor: string): Promise<Outcome<Workflow>> {
    if (!this.#projects.exists(projectId)) return Promise.resolve(failure(unknownProject(projectId)));
    return this.#workflows.create(selfChangeWorkflow(projectId, request), { kind: SELF_CHANGE_KIND, actor });
  }

  workflow(id: string): Outcome<Workflow> {
    return this.#workflows.get(id);
  }

  workflows(query: WorkflowListQuery): WorkflowList {
    return this.#workflows.list(query);
  }

  cancelWorkflow(id: string, actor: string): Promise<Outcome<Workflow>> {
    return this.#workflows.cancel(id, actor);
  }

  decideWorkflowStep(
    id: string,
    stepId: string,
    decision: ApprovalDecision,
    actor: string,
  ): Promise<Outcome<Workflow>> {
    return this.#workflows.decide(id, stepId, decision, actor);
  }

  // --- timers ------------------------------------------------------------------

  /** The one alarm: hands every due wake-up key (`<owner>:<id>`) to its owner, then re-arms for the next. */
  override async alarm(): Promise<void> {
    for (const key of this.#wakeups.takeDue()) {
      const split = key.indexOf(":");
      const owner = key.slice(0, split);
      const id = key.slice(split + 1);
      try {
        await this.#onWake(owner, id);
      } catch (error) {
        // The key was taken off the table: put it back, or its owner would never be woken again.
        log("error", "a timer's owner failed; trying again shortly", { key, error: (error as Error).message });
        await this.#wakeups.schedule(key, Date.now() + RETRY_WAKE_MS);
      }
    }
    await this.#wakeups.rearm();
  }

  async #onWake(owner: string, id: string): Promise<void> {
    switch (owner) {
      case WORKFLOW_WAKE_OWNER:
        await this.#workflows.wake(id);
        return;
      case HUB_WAKE_OWNER:
        // Not awaited: due servers are checked side by side, each bounded by its own timeout.
        this.ctx.waitUntil(
          this.#hub
            .wake(id)
            .catch((error: unknown) => log("error", "an MCP health check failed", { id, error: String(error) })),
        );
        return;
      default:
        log("warn", "a timer with no owner fired", { owner, id });
    }
  }

  // --- WebSocket upgrades (from the Worker, already authenticated) -----------

  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const requestId = request.headers.get("x-request-id") ?? crypto.randomUUID();
    if (url.pathname === "/agent") return acceptAgentSocket(this.ctx, request);
    const match = /^\/projects\/([^/]+)\/subscribe$/.exec(url.pathname);
    if (match?.[1] !== undefined) {
      const projectId = decodeURIComponent(match[1]);
      if (!this.#knowsProject(projectId))
        return notFound({ ...unknownProject(projectId), requestId, instance: url.pathname });
      const tail = url.searchParams.get("tail");
      return this.#acceptSubscriber(request, projectId, {
        after: Number(url.searchParams.get("after") ?? "0"),
        tail: tail === null ? null : Number(tail),
      });
    }
    return notFound({ code: "not_found", message: `no route ${url.pathname}`, requestId, instance: url.pathname });
  }

  /** `tail` null replays every event after `after`; a number only that many of the newest. */
  #acceptSubscriber(request: Request, projectId: string, from: { after: number; tail: number | null }): Response {
    const { after, tail } = from;
    return acceptSocket(this.ctx, request, [SUBSCRIBER_TAG, projectTag(projectId)], (ws) => {
      writeAttachment(ws, { role: "subscriber", projectId });
      const log = this.#events;
      const seq =
        tail === null ? replay({ ws, log, projectId, after }) : replayTail({ ws, log, projectId, after, tail });
      send(ws, { type: "ready", projectId, seq, at: new Date().toISOString() });
    });
  }

  // --- WebSocket messages ----------------------------------------------------

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    const attachment = readAttachment(ws);
    if (attachment?.role !== "agent") return; // Subscribers only listen; anything they send is ignored.
    this.#link.touch();
    const text = typeof message === "string" ? message : new TextDecoder().decode(message);
    const parsed = parseFrame(AgentToServerFrame, text);
    if (!parsed.ok) {
      if (parsed.tooLarge) safeClose(ws, CloseCode.messageTooBig, "frame too large");
      else sendToAgent(ws, { type: "error", error: parsed.error });
      return;
    }
    const frame = parsed.frame;
    if (frame.type !== "hello" && !attachment.ready) {
      safeClose(ws, CloseCode.invalidFrame, "hello must come first");
      return;
    }
    switch (frame.type) {
      case "hello": {
        if (frame.protocolVersion !== PROTOCOL_VERSION) {
          safeClose(ws, CloseCode.protocolVersion, `protocol ${PROTOCOL_VERSION} required`);
          return;
        }
        replaceOtherAgents(this.ctx, ws);
        writeAttachment(ws, { ...attachment, ready: true, agentId: frame.agentId });
        this.#agentState.connected(frame.agentId, frame.capabilities);
        this.#projects.upsert(frame.projects);
        sendToAgent(ws, {
          type: "hello.ack",
          protocolVersion: PROTOCOL_VERSION,
          serverVersion: this.env.ATT_VERSION,
        });
        this.#link.resendPending(ws);
        log("info", "agent connected", { agentId: frame.agentId });
        // Running workflows are looked at now: a step that was running when the link dropped is asked again.
        void this.#workflows.resume();
        return;
      }
      case "response":
        this.#link.onResponse(frame);
        sendToAgent(ws, { type: "response.ack", id: frame.id });
        return;
      case "event": {
        const { event, duplicate } = this.#events.append(frame.event);
        if (!duplicate) broadcast(this.ctx, event);
        sendToAgent(ws, { type: "event.ack", eventId: event.id, seq: event.seq });
        return;
      }
      case "heartbeat":
        sendToAgent(ws, { type: "heartbeat.ack" });
        return;
      case "error":
        log("warn", "agent reported a protocol error", { code: frame.error.code, detail: frame.error.message });
        return;
    }
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    const attachment = readAttachment(ws);
    if (attachment?.role === "agent" && attachment.ready) {
      this.#link.closed(code);
      this.#agentState.disconnected();
      log("info", "agent disconnected", { agentId: attachment.agentId, code, reason });
    }
    // 1005/1006 are not valid to send; answer a peer's close with a normal one.
    safeClose(ws, code === 1005 || code === 1006 ? CloseCode.normal : code, reason);
  }

  override webSocketError(ws: WebSocket): void {
    safeClose(ws, CloseCode.internalError, "socket error");
  }

  // --- helpers ---------------------------------------------------------------

  #knowsProject(projectId: string): boolean {
    return projectId === WORKSPACE_LOG_ID || this.#projects.exists(projectId) || this.#events.hasEvents(projectId);
  }

  #call<M extends AgentMethod>(
    method: M,
    params: MethodParams<M>,
    requestId: string,
    options: { frameId?: string; timeoutMs?: number | undefined } = {},
  ) {
    const configured = Number(this.env.ATT_AGENT_TIMEOUT_MS ?? DEFAULT_AGENT_TIMEOUT_MS);
    const timeoutMs = options.timeoutMs ?? Math.max(configured, METHOD_TIMEOUT_MS[method] ?? 0);
    const frameId = options.frameId;
    return this.#link.call({ method, params, requestId, timeoutMs, ...(frameId === undefined ? {} : { frameId }) });
  }

  /** An event the control plane itself causes (workflows, the hub): logged and fanned out like the agent's. */
  #record(event: { projectId: string; type: EventType; payload: JsonObject; actor: string }): void {
    const { event: stored } = this.#events.append({
      id: crypto.randomUUID(),
      projectId: event.projectId,
      type: event.type,
      payload: event.payload,
      actor: event.actor,
      timestamp: new Date().toISOString(),
    });
    broadcast(this.ctx, stored);
  }

  /** Keeps the project records in step with what the agent just reported. */
  #remember(method: AgentMethod, value: unknown): void {
    const result = value as { projects?: Project[]; project?: Project; deleted?: Project };
    if (method === "projects.list" && result.projects !== undefined) this.#projects.replaceAll(result.projects);
    if (result.project !== undefined) this.#projects.upsert([result.project]);
    if (method === "projects.delete" && result.deleted !== undefined) this.#projects.remove(result.deleted.id);
  }
}

/** Typed so every frame the agent receives is checked against the protocol at compile time. */
function sendToAgent(ws: WebSocket, frame: ServerToAgentFrame): void {
  trySend(ws, frame);
}

function unknownProject(projectId: string) {
  return { code: "not_found" as const, message: `no project with id '${projectId}'` };
}
