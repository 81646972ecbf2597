/**
 * The project terminal: a shell command run by the agent in the project
 * directory. Output streams as `terminal.output` events (subscribe to the
 * project's WebSocket first, with the `runId` you send), then `terminal.exit`.
 */
import { TerminalRunParams } from "@att/shared";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppBindings } from "../env.ts";
import { operationRoute } from "./operation-route.ts";

export function registerTerminal(app: OpenAPIHono<AppBindings>): void {
  operationRoute(app, {
    verb: "post",
    path: "/api/v1/projects/{id}/terminal/run",
    tag: "terminal",
    summary: "Run a shell command in the project directory and answer with its exit and output",
    description:
      "Runs `/bin/sh -c <command>` with the project's environment (the agent's tokens left out of it) and stdin closed. " +
      "It is not a sandbox: the command runs as the agent's OS user, so anyone holding the ATT token can do what that user can. " +
      "While it runs, output arrives as `terminal.output` events (batched, in order; the first 8 MiB) and its end as `terminal.exit`, each carrying `runId`. " +
      "After `timeoutMs` the command's whole process group is ended and `timedOut` is true. Errors: 409 when 4 commands already run on the agent or `runId` is in use.",
    operation: "terminal.run",
    body: TerminalRunParams.omit({ projectId: true }),
    bodyExample: { command: "ls -la", timeoutMs: 60_000 },
    errors: [404, 409],
    toParams: ({ id, body }) => ({ projectId: id, ...body }),
  });
}
