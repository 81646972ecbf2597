/**
 * Helpers for MCP hub tests against the real stack: register servers, read
 * them back, poll until a server reaches a state, and read the workspace
 * log's mcp.* events.
 */
import { type McpServer, type McpServerList, type StoredEvent, WORKSPACE_LOG_ID } from "@att/shared";
import type { Stack } from "./stack.ts";

export const SERVERS = "/api/v1/mcp/servers";

export async function register(stack: Stack, body: Record<string, unknown>): Promise<McpServer> {
  const response = await stack.api(SERVERS, { method: "POST", body: JSON.stringify(body) });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`register ${String(body.name)}: ${response.status} ${text}`);
  return JSON.parse(text) as McpServer;
}

export async function serverById(stack: Stack, id: string): Promise<McpServer> {
  const { servers } = await stack.json<McpServerList>(SERVERS);
  const server = servers.find((s) => s.id === id);
  if (server === undefined) throw new Error(`no server ${id}`);
  return server;
}

/** Polls the server until `done` holds; the error names the last state seen. */
export async function waitForServer(
  stack: Stack,
  id: string,
  done: (server: McpServer) => boolean,
  timeoutMs = 60_000,
): Promise<McpServer> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const server = await serverById(stack, id);
    if (done(server)) return server;
    if (Date.now() > deadline) {
      const { status, consecutiveFailures, error, lastCheckedAt } = server;
      throw new Error(
        `server ${server.name} did not get there: ${JSON.stringify({ status, consecutiveFailures, error, lastCheckedAt })}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The workspace log's events of these types, oldest first. */
export async function workspaceEvents(stack: Stack, ...types: string[]): Promise<StoredEvent[]> {
  const query = types.map((type) => `type=${encodeURIComponent(type)}`).join("&");
  const { events } = await stack.json<{ events: StoredEvent[] }>(
    `/api/v1/projects/${WORKSPACE_LOG_ID}/events?${query}&limit=1000`,
  );
  return events;
}
