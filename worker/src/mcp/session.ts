/**
 * One Durable Object per MCP session, named by its Mcp-Session-Id.
 *
 * Why sessions rather than a stateless endpoint: the conformance suite's
 * sampling/elicitation scenarios need server-to-client requests, whose answer
 * arrives in a later HTTP request that must reach the same transport; the
 * logging scenarios expect `logging/setLevel` to hold for the session; and the
 * multiple-streams scenario expects a session id with concurrent SSE streams.
 * A Durable Object keeps the transport in one place and may share its streams
 * across requests, which a plain Worker isolate may not.
 *
 * The object keeps no storage: if it is evicted, the session is gone and the
 * client gets 404 "Session not found", which tells it to initialize again.
 *
 * A session belongs to the user and workspace that opened it: the Worker
 * passes the authenticated caller in a header it sets itself, and a request
 * from anyone else gets the same 404 as an unknown session.
 */

import { DurableObject } from "cloudflare:workers";
import { type AgentMethod, MAX_BODY_BYTES, type MethodParams, Role } from "@att/shared";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { z } from "zod";
import type { Env } from "../env.ts";
import { workspace } from "../routes/common.ts";
import { createAttServer } from "./att-server.ts";
import { createConformanceServer } from "./conformance/server.ts";
import { duplicateId, InFlightIds, releasingWhenDone, requestIdsOf } from "./in-flight.ts";
import { OWN_TOOLS } from "./own-tools.ts";
import type { Invoke, RoleOf } from "./tool-handlers.ts";

/** Set by the /mcp route only (it overwrites whatever a client sent). */
export const SESSION_KIND_HEADER = "x-att-mcp-kind";
export const NEW_SESSION_HEADER = "x-att-mcp-new-session";
/** The authenticated caller, as JSON; set by the /mcp route, which drops any `x-att-*` header a client sent. */
export const CALLER_HEADER = "x-att-caller";

export const McpCaller = z.object({ userId: z.string(), workspaceId: z.string(), role: Role });
export type McpCaller = z.infer<typeof McpCaller>;

function callerOf(value: string | null | undefined): McpCaller | null {
  if (value === null || value === undefined) return null;
  try {
    const parsed = McpCaller.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A request whose caller header is missing or malformed is treated as the least role. */
const roleOf: RoleOf = (headers) => {
  const value = headers?.[CALLER_HEADER];
  return callerOf(typeof value === "string" ? value : null)?.role ?? "viewer";
};

export type SessionKind = "att" | "conformance";

interface Live {
  transport: WebStandardStreamableHTTPServerTransport;
  server: McpServer;
  /** Request ids awaiting their answer: a reused one is refused (see in-flight.ts). */
  inFlight: InFlightIds;
}

export class McpSession extends DurableObject<Env> {
  #live: Live | null = null;
  /** `userId@workspaceId` of the caller that opened the session. */
  #owner: string | null = null;

  override async fetch(request: Request): Promise<Response> {
    const caller = callerOf(request.headers.get(CALLER_HEADER));
    if (caller === null) return sessionNotFound();
    const owner = `${caller.userId}@${caller.workspaceId}`;
    const newSession = request.headers.get(NEW_SESSION_HEADER);
    if (newSession !== null && this.#live === null) {
      this.#live = await this.#open(sessionKind(request.headers.get(SESSION_KIND_HEADER)), newSession, caller);
      this.#owner = owner;
    }
    const live = this.#live;
    if (live === null || this.#owner !== owner) return sessionNotFound();
    const response = await this.#handle(live, request);
    // A first request that was not `initialize` leaves no session behind.
    if (newSession !== null && live.transport.sessionId === undefined) await this.#close();
    return response;
  }

  async #handle(live: Live, request: Request): Promise<Response> {
    const ids = await requestIdsOf(request);
    const taken = live.inFlight.claim(ids);
    if (taken !== null) return duplicateId(taken);
    const release = live.inFlight.releaser(ids);
    try {
      return releasingWhenDone(await live.transport.handleRequest(request), release);
    } catch (error) {
      release();
      throw error;
    }
  }

  async #open(kind: SessionKind, sessionId: string, caller: McpCaller): Promise<Live> {
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => sessionId,
      maxRequestBodySize: MAX_BODY_BYTES,
      onsessionclosed: () => this.#close(),
    });
    const server = kind === "conformance" ? this.#conformanceServer() : this.#attServer(caller);
    await server.connect(transport);
    return { transport, server, inFlight: new InFlightIds() };
  }

  #attServer(caller: McpCaller): McpServer {
    const space = () => workspace(this.env, caller.workspaceId);
    const invoke: Invoke = (method, params, requestId) =>
      space().invoke(method, params as MethodParams<AgentMethod>, requestId);
    const own = { tools: OWN_TOOLS, workspace: space, actor: `mcp:${caller.userId}` };
    return createAttServer({ version: this.env.ATT_VERSION, invoke, roleOf, own });
  }

  #conformanceServer(): McpServer {
    // The route checks this too; a second check keeps the fixtures unreachable if routing changes.
    if (this.env.ATT_MCP_CONFORMANCE !== "1") throw new Error("the conformance fixtures are disabled");
    return createConformanceServer();
  }

  async #close(): Promise<void> {
    const live = this.#live;
    this.#live = null;
    this.#owner = null;
    await live?.server.close();
  }
}

function sessionKind(value: string | null): SessionKind {
  return value === "conformance" ? "conformance" : "att";
}

/** The transport's own answer for a session it does not know: tells the client to initialize again. */
export function sessionNotFound(): Response {
  return Response.json(
    { jsonrpc: "2.0", error: { code: -32001, message: "Session not found" }, id: null },
    { status: 404 },
  );
}
