/**
 * Faults on the way to a NAT app, each an `upstream_error`: an HTTP 500,
 * garbage instead of JSON, an error line in the middle of a stream, nothing
 * listening, a socket that never answers (bounded by timeoutSeconds), a
 * workflow that asks for human input, NAT's own error message, a refused
 * upgrade. The faulty servers are small local ones started here.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type WebSocket, WebSocketServer } from "ws";
import { freePort } from "../../tests/support/stack.ts";
import type { OperationContext } from "../src/operations/context.ts";
import { OperationError } from "../src/operations/errors.ts";
import { type SendVia, sendToNat } from "../src/operations/interact/client.ts";
import { AppsStandIn } from "./interact-helpers.ts";
import { projects } from "./projects-helpers.ts";
import { callOperation } from "./support/call.ts";
import { createTestContext, type TestContext } from "./support/context.ts";

let server: Server;
let sockets: WebSocketServer;
let url: string;
let base: TestContext;
let context: OperationContext;
let projectId: string;
const apps = new AppsStandIn();

const STEP_LINE = `intermediate_data: ${JSON.stringify({
  id: "s1",
  parent_id: "root",
  type: "WORKFLOW_START",
  name: "w",
  payload: JSON.stringify({ event_type: "WORKFLOW_START", event_timestamp: 1 }),
})}\n\n`;
const NAT_ERROR = { code: "workflow_error", message: "ValueError", details: "the tool broke" };

/** Plain HTTP faults, chosen by the first path segment. */
function answerHttp(request: IncomingMessage, response: ServerResponse): void {
  request.resume();
  const fault = request.url?.split("/")[1];
  if (fault === "http500") {
    response.writeHead(500, { "content-type": "text/plain" });
    response.end("Internal Server Error: boom");
  } else if (fault === "garbage") {
    response.writeHead(200, { "content-type": "application/json" });
    response.end("this is not json {");
  } else if (fault === "noanswer-shape") {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ unexpected: true }));
  } else if (fault === "paused") {
    response.writeHead(202, { "content-type": "application/json" });
    response.end(JSON.stringify({ execution_id: "e1", status: "interaction_required", status_url: "/executions/e1" }));
  } else if (fault === "stream-error") {
    response.writeHead(200, { "content-type": "text/event-stream" });
    response.end(`${STEP_LINE}${JSON.stringify(NAT_ERROR)}`);
  } else if (fault === "stream-garbage") {
    response.writeHead(200, { "content-type": "text/event-stream" });
    response.end(`${STEP_LINE}data: {not json\n\n`);
  }
  // Anything else ("silent"): never answers.
}

/** WebSocket faults, chosen by the first path segment of the upgrade. */
function answerSocket(socket: WebSocket, fault: string | undefined): void {
  socket.on("message", () => {
    if (fault === "hitl")
      socket.send(
        JSON.stringify({
          type: "system_interaction_message",
          id: "p1",
          content: { input_type: "text", text: "Approve the refund?", required: true },
          status: "in_progress",
        }),
      );
    else if (fault === "error")
      socket.send(JSON.stringify({ type: "error_message", content: NAT_ERROR, status: "in_progress" }));
    else if (fault === "close") socket.close(1011, "going away");
    // "silent": never answers.
  });
}

function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
  const fault = request.url?.split("/")[1];
  if (fault === "reject") {
    socket.end("HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\ncontent-length: 9\r\n\r\nforbidden");
    return;
  }
  sockets.handleUpgrade(request, socket, head, (ws) => answerSocket(ws, fault));
}

beforeAll(async () => {
  sockets = new WebSocketServer({ noServer: true });
  server = createServer(answerHttp);
  server.on("upgrade", upgrade);
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${port}`;
  base = createTestContext();
  context = { ...base, runtime: apps };
  projectId = (await projects.create(context, { name: "faulty_app", template: "chatbot" })).project.id;
});

afterAll(async () => {
  for (const client of sockets.clients) client.terminate();
  sockets.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await base?.dispose();
});

async function failure(fault: string, via: SendVia, timeoutMs = 5000): Promise<OperationError> {
  const error = await sendToNat({
    baseUrl: `${url}/${fault}`,
    via,
    message: "hi",
    conversationId: null,
    timeoutMs,
  }).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof OperationError)) throw new Error(`expected an OperationError, got ${String(error)}`);
  expect(error.code).toBe("upstream_error");
  return error;
}

describe("faults talking to a NAT app", () => {
  it.each(["chat_completions", "generate", "workflow_full"] as const)(
    "reports HTTP 500 with the body via %s",
    async (via) => {
      const error = await failure("http500", via);
      expect(error.message).toContain("HTTP 500");
      expect(error.details).toMatchObject({ status: 500, body: "Internal Server Error: boom" });
    },
  );

  it.each(["chat_completions", "generate"] as const)("reports invalid JSON via %s", async (via) => {
    const error = await failure("garbage", via);
    expect(error.message).toContain("invalid JSON");
    expect(error.details).toMatchObject({ body: "this is not json {" });
  });

  it("reports an answer without choices from /v1/chat/completions", async () => {
    const error = await failure("noanswer-shape", "chat_completions");
    expect(error.message).toContain("unexpected answer");
  });

  it("reports the workflow's error line in the middle of /v1/workflow/full", async () => {
    const error = await failure("stream-error", "workflow_full");
    expect(error.message).toBe("the workflow failed (workflow_error): ValueError: the tool broke");
    expect(error.details).toEqual(NAT_ERROR);
  });

  it("reports an unreadable record in /v1/workflow/full", async () => {
    const error = await failure("stream-garbage", "workflow_full");
    expect(error.details).toMatchObject({ body: "data: {not json" });
  });

  it.each(["websocket", "generate"] as const)("reports an app that is not listening via %s", async (via) => {
    const port = await freePort();
    const error = await sendToNat({
      baseUrl: `http://127.0.0.1:${port}`,
      via,
      message: "hi",
      conversationId: null,
      timeoutMs: 5000,
    }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OperationError);
    expect(error).toMatchObject({ code: "upstream_error", message: expect.stringContaining("ECONNREFUSED") });
  });

  it.each(["websocket", "workflow_full"] as const)("gives up within timeoutSeconds on silence via %s", async (via) => {
    const started = performance.now();
    const error = await failure("silent", via, 1000);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(3000);
    expect(error.details).toMatchObject({ reason: "timeout", timeoutMs: 1000 });
  });

  it("fails at once when the workflow asks for human input", async () => {
    const started = performance.now();
    const error = await failure("hitl", "websocket", 30_000);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(error.message).toBe("the workflow asked for human input: Approve the refund?; answer it in the UI");
    expect(error.details).toMatchObject({ reason: "human_input_required", inputType: "text" });
  });

  it("fails at once when an HTTP route pauses for human input (HTTP 202)", async () => {
    const error = await failure("paused", "generate");
    expect(error.message).toContain("asked for human input");
    expect(error.details).toMatchObject({ reason: "human_input_required", body: expect.stringContaining("e1") });
  });

  it("reports NAT's error_message", async () => {
    const error = await failure("error", "websocket");
    expect(error.details).toEqual(NAT_ERROR);
  });

  it("reports a socket closed before the answer was complete", async () => {
    const error = await failure("close", "websocket");
    expect(error.message).toContain("1011: going away");
  });

  it("reports a refused WebSocket upgrade with its status and body", async () => {
    const error = await failure("reject", "websocket");
    expect(error.details).toMatchObject({ status: 403, body: "forbidden" });
  });

  it("runtime.send passes the fault on and stores no trace", async () => {
    apps.set(projectId, `${url}/http500`);
    const error = await callOperation(context, "runtime.send", { projectId, message: "hi", via: "generate" }).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toMatchObject({ code: "upstream_error", details: { status: 500 } });
    expect((await callOperation(context, "debug.traces", { projectId })).traces).toEqual([]);
  });
});
