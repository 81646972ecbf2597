/**
 * Tool calls and resource reads through the hub. A call by tool name tries
 * every server whose last check listed that tool, healthy ones first, then
 * degraded, unknown, and unreachable ones last (or not at all); a server that
 * fails (connection, timeout, JSON-RPC error) gets an early health check and
 * the next one is tried. A tool's own `isError` answer is an answer, not a
 * failure. Every invocation is an event in the workspace log, named by its
 * correlation id, with the servers tried and why each failed.
 */
import {
  type EventType,
  type JsonObject,
  type McpCallAttempt,
  McpFailoverCallBody,
  type McpResourceList,
  McpResourceReadBody,
  type McpResourceReadPayload,
  type McpResourceReadResult,
  type McpServerStatus,
  McpToolCallBody,
  type McpToolCalledPayload,
  type McpToolCallResult,
  type McpToolResult,
} from "@att/shared";
import { failure, type Outcome, success } from "../workspace/outcome.ts";
import { describe } from "./failure.ts";
import { type McpHub, unknownServer } from "./hub.ts";
import type { StoredServer } from "./registry.ts";

const MAX_REASONS = 2000;

const RANK: Readonly<Record<McpServerStatus, number>> = { healthy: 0, degraded: 1, unknown: 2, unreachable: 3 };

export class HubCalls {
  readonly #hub: McpHub;
  readonly #record: (event: { type: EventType; payload: JsonObject }) => void;

  constructor(options: { hub: McpHub; record: (event: { type: EventType; payload: JsonObject }) => void }) {
    this.#hub = options.hub;
    this.#record = options.record;
  }

  /** Calls a tool on one server. */
  async callOn(serverId: string, input: McpToolCallBody, correlationId: string): Promise<Outcome<McpToolCallResult>> {
    const server = this.#hub.registry.get(serverId);
    if (server === undefined) return failure(unknownServer(serverId));
    return this.#callInOrder([server], McpToolCallBody.parse(input), correlationId);
  }

  /** Calls a tool by name on whichever server offers it, failing over to the next. */
  async call(input: McpFailoverCallBody, correlationId: string): Promise<Outcome<McpToolCallResult>> {
    const body = McpFailoverCallBody.parse(input);
    const wanted = body.serverIds === undefined ? null : new Set(body.serverIds);
    const candidates = this.#hub.registry
      .list()
      .filter((server) =>
        wanted === null ? server.health.tools.some((tool) => tool.name === body.name) : wanted.has(server.id),
      )
      .filter((server) => !(body.skipUnreachable && server.health.status === "unreachable"))
      .sort((a, b) => RANK[a.health.status] - RANK[b.health.status]);
    if (candidates.length === 0) {
      const which =
        wanted === null ? "no registered MCP server offers" : "none of the given serverIds is registered for";
      const skipped = body.skipUnreachable ? " (unreachable servers skipped)" : "";
      return failure({
        code: "not_found",
        message: `${which} a tool named '${body.name}'${skipped}`,
        details: { tool: body.name, correlationId },
      });
    }
    return this.#callInOrder(candidates, body, correlationId);
  }

  async #callInOrder(
    servers: readonly StoredServer[],
    body: { name: string; arguments: JsonObject; timeoutMs: number },
    correlationId: string,
  ): Promise<Outcome<McpToolCallResult>> {
    const started = Date.now();
    const attempts: McpCallAttempt[] = [];
    for (const server of servers) {
      const at = Date.now();
      const attempt = {
        serverId: server.id,
        serverName: server.name,
        transport: server.endpoint.transport,
        status: server.health.status,
      };
      let result: McpToolResult;
      try {
        result = await this.#hub.connector(server, correlationId).callTool(body.name, body.arguments, body.timeoutMs);
      } catch (error) {
        attempts.push({ ...attempt, ok: false, error: describe(error), durationMs: Date.now() - at });
        await this.#hub.checkSoon(server.id);
        continue;
      }
      attempts.push({ ...attempt, ok: true, error: null, durationMs: Date.now() - at });
      this.#called({
        correlationId,
        tool: body.name,
        ok: true,
        isError: result.isError,
        serverId: server.id,
        attempts,
        durationMs: Date.now() - started,
      });
      return success({
        correlationId,
        tool: body.name,
        serverId: server.id,
        serverName: server.name,
        result,
        attempts,
      });
    }
    this.#called({
      correlationId,
      tool: body.name,
      ok: false,
      isError: false,
      serverId: null,
      attempts,
      durationMs: Date.now() - started,
    });
    // The full reasons are in `details.attempts`; the message stays short enough for any problem+json reader.
    const reasons = attempts
      .map((attempt) => `${attempt.serverName}: ${attempt.error ?? "failed"}`)
      .join("; ")
      .slice(0, MAX_REASONS);
    return failure({
      code: "upstream_error",
      message: `the call of '${body.name}' failed on every server tried (${reasons})`,
      details: { correlationId, attempts },
    });
  }

  async listResources(serverId: string, requestId: string, timeoutMs: number): Promise<Outcome<McpResourceList>> {
    const server = this.#hub.registry.get(serverId);
    if (server === undefined) return failure(unknownServer(serverId));
    try {
      const listing = await this.#hub.connector(server, requestId).listResources(timeoutMs);
      return success({ serverId, ...listing });
    } catch (error) {
      await this.#hub.checkSoon(serverId);
      return failure({ code: "upstream_error", message: `${server.name}: ${describe(error)}`, details: { serverId } });
    }
  }

  async read(
    serverId: string,
    input: McpResourceReadBody,
    correlationId: string,
  ): Promise<Outcome<McpResourceReadResult>> {
    const server = this.#hub.registry.get(serverId);
    if (server === undefined) return failure(unknownServer(serverId));
    const { uri, timeoutMs } = McpResourceReadBody.parse(input);
    const started = Date.now();
    const event = (ok: boolean, error: string | null): void =>
      this.#record({
        type: "mcp.resource.read",
        payload: {
          correlationId,
          serverId,
          uri,
          ok,
          error,
          durationMs: Date.now() - started,
        } satisfies McpResourceReadPayload,
      });
    try {
      const contents = await this.#hub.connector(server, correlationId).readResource(uri, timeoutMs);
      event(true, null);
      return success({ correlationId, serverId, serverName: server.name, uri, contents });
    } catch (error) {
      const reason = describe(error);
      event(false, reason);
      await this.#hub.checkSoon(serverId);
      return failure({
        code: "upstream_error",
        message: `${server.name}: ${reason}`,
        details: { correlationId, serverId },
      });
    }
  }

  #called(payload: McpToolCalledPayload): void {
    this.#record({ type: "mcp.tool.called", payload });
  }
}
