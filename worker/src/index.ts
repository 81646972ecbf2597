/** Worker entry: the Hono app for every request, and the Durable Object classes. */
import { createApp } from "./app.ts";
import type { Env } from "./env.ts";

export { Directory } from "./accounts/directory.ts";
export { McpSession } from "./mcp/session.ts";
export { Workspace } from "./workspace/workspace.ts";

const app = createApp();

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
