/** The control plane's Hono app: middleware, one module per resource, docs, errors. */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppBindings } from "./env.ts";
import { authenticate } from "./http/authenticate.ts";
import { onError, onNotFound, validationHook } from "./http/errors.ts";
import { bodyLimit, requestId } from "./http/middleware.ts";
import { securityHeaders } from "./http/security-headers.ts";
import { registerAccounts } from "./routes/accounts.ts";
import { registerAgent } from "./routes/agent.ts";
import { registerDeploy } from "./routes/deploy.ts";
import { registerDiagnostics } from "./routes/diagnostics.ts";
import { registerDocs } from "./routes/docs.ts";
import { registerEvents } from "./routes/events.ts";
import { registerFiles } from "./routes/files.ts";
import { registerGit } from "./routes/git.ts";
import { registerHealth } from "./routes/health.ts";
import { registerMcp } from "./routes/mcp.ts";
import { registerMcpCalls } from "./routes/mcp-calls.ts";
import { registerMcpServers } from "./routes/mcp-servers.ts";
import { registerOAuth } from "./routes/oauth.ts";
import { registerProjects } from "./routes/projects.ts";
import { registerRuns } from "./routes/runs.ts";
import { registerRuntime } from "./routes/runtime.ts";
import { registerTerminal } from "./routes/terminal.ts";
import { registerWorkflows } from "./routes/workflows.ts";

export function createApp(): OpenAPIHono<AppBindings> {
  const app = new OpenAPIHono<AppBindings>({ defaultHook: validationHook });
  app.use("*", requestId());
  app.use("*", securityHeaders());
  app.use("/api/*", bodyLimit());
  app.use("/oauth/*", bodyLimit());
  app.use("*", authenticate());
  registerHealth(app);
  registerAccounts(app);
  registerOAuth(app);
  registerProjects(app);
  registerFiles(app);
  registerGit(app);
  registerRuntime(app);
  registerRuns(app);
  registerDeploy(app);
  registerTerminal(app);
  registerWorkflows(app);
  registerEvents(app);
  registerAgent(app);
  registerDiagnostics(app);
  registerMcp(app);
  registerMcpServers(app);
  registerMcpCalls(app);
  registerDocs(app);
  app.onError(onError);
  app.notFound(onNotFound);
  return app;
}

export type App = ReturnType<typeof createApp>;
