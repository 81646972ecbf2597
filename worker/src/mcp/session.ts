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
 */

import { DurableObject } from "cloudflare:workers";
import { type AgentMethod, MAX_BODY_BYTES, type MethodParams } from "@att/shared";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { Env } from "../env.ts";
import { workspace } from "../routes/common.ts";
import { createAttServer } from "./att-server.ts";
import { createConformanceServer } from "./conformance/server.ts";
import { OWN_TOOLS } from "./own-tools.ts";
import type { Invoke } from "./tool-handlers.ts";

/** Set by the /mcp route only (it overwrites whatever a client sent). */
export const SESSION_KIND_HEADER = "x-att-mcp-kind";
export const NEW_SESSION_HEADER = "x-att-mcp-new-session";

export type SessionKind = "att" | "conformance";

interface Live {
  transport: WebStandardStreamableHTTPServerTransport;
  server: McpServer;
}

export class McpSession extends DurableObject<Env> {
  #live: Live | null = null;

  override async fetch(request: Request): Promise<Response> {
    const newSession = request.headers.get(NEW_SESSION_HEADER);
    if (newSession !== null && this.#live === null) {
      this.#live = await this.#open(sessionKind(request.headers.get(SESSION_KIND_HEADER)), newSession);
    }
    const live = this.#live;
    if (live === null) return sessionNotFound();
    const response = await live.transport.handleRequest(request);
    // A first request that was not `initialize` leaves no session behind.
    if (newSession !== null && live.transport.sessionId === undefined) await this.#close();
    return response;
  }

  async #open(kind: SessionKind, sessionId: string): Promise<Live> {
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => sessionId,
      maxRequestBodySize: MAX_BODY_BYTES,
      onsessionclosed: () => this.#close(),
    });
    const server = kind === "conformance" ? this.#conformanceServer() : this.#attServer();
    await server.connect(transport);
    return { transport, server };
  }

  #attServer(): McpServer {
    const invoke: Invoke = (method, params, requestId) =>
      workspace(this.env).invoke(method, params as MethodParams<AgentMethod>, requestId);
    // Local mode has one user, the admin token's holder; issue 7 names real users here.
    const own = { tools: OWN_TOOLS, workspace: () => workspace(this.env), actor: "mcp:admin" };
    return createAttServer({ version: this.env.ATT_VERSION, invoke, own });
  }

  #conformanceServer(): McpServer {
    // The route checks this too; a second check keeps the fixtures unreachable if routing changes.
    if (this.env.ATT_MCP_CONFORMANCE !== "1") throw new Error("the conformance fixtures are disabled");
    return createConformanceServer();
  }

  async #close(): Promise<void> {
    const live = this.#live;
    this.#live = null;
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
