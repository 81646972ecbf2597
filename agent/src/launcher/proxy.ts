/**
 * The public port: a plain HTTP and WebSocket pass-through to the release the
 * gate points at. Bodies stream both ways; an upgrade is forwarded as written
 * and the two raw sockets are then piped, so WebSockets need no library here.
 * Built on node:http and node:net: a reverse proxy this small needs nothing more.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import net, { type Socket } from "node:net";
import type { TrafficGate } from "./gate.ts";
import { problem, sendProblem, socketProblem } from "./problem.ts";

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);
const RETRY_AFTER = { "retry-after": "5" };

export interface PublicProxy {
  port: number;
  close: () => Promise<void>;
}

export async function startProxy(options: { port: number; gate: TrafficGate }): Promise<PublicProxy> {
  const { gate } = options;
  const upstreamAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const tunnels = new Set<Socket>();
  const server = http.createServer({ requestTimeout: 0 }, (req, res) => {
    const abort = new AbortController();
    res.once("close", () => abort.abort());
    void gate.admit({ track: true, signal: abort.signal }).then((admission) => {
      if (admission.kind === "unavailable") {
        if (!res.destroyed) sendProblem(res, problem("agent_unavailable", admission.reason), RETRY_AFTER);
        return;
      }
      if (res.destroyed) admission.done();
      else forward({ req, res, port: admission.port, done: admission.done, agent: upstreamAgent });
    });
  });
  server.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) => {
    tunnels.add(socket);
    socket.once("close", () => tunnels.delete(socket));
    socket.on("error", () => socket.destroy());
    const abort = new AbortController();
    socket.once("close", () => abort.abort());
    void gate.admit({ track: false, signal: abort.signal }).then((admission) => {
      if (admission.kind === "unavailable")
        socketProblem(socket, problem("agent_unavailable", admission.reason), RETRY_AFTER);
      else if (!socket.destroyed) tunnel({ req, socket, head, port: admission.port, tunnels });
    });
  });
  server.on("clientError", (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  return {
    port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of tunnels) socket.destroy();
      upstreamAgent.destroy();
      await closed;
    },
  };
}

/** One HTTP request to the release on `port`, streamed both ways. */
function forward(options: {
  req: IncomingMessage;
  res: ServerResponse;
  port: number;
  done: () => void;
  agent: http.Agent;
}): void {
  const { req, res, done } = options;
  const upstream = http.request(
    {
      host: "127.0.0.1",
      port: options.port,
      method: req.method,
      path: req.url,
      headers: endToEnd(req.headers),
      agent: options.agent,
    },
    (answer) => {
      // An event stream that answers a request (an MCP tool call's POST) stays in flight until it ends, so
      // the drain waits for it. One opened by a GET is a subscription that lasts as long as the release
      // (MCP's standalone stream): like a WebSocket, the release's stop ends it and the client reconnects.
      if (req.method === "GET" && isEventStream(answer.headers)) done();
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.headers));
      res.flushHeaders(); // a stream's client waits for the headers before anything else comes
      answer.pipe(res);
      answer.on("error", () => res.destroy());
    },
  );
  upstream.on("error", (error) => {
    if (!res.headersSent) sendProblem(res, problem("upstream_error", `ATT did not answer: ${error.message}`));
    else res.destroy();
  });
  res.once("close", () => {
    done();
    if (!res.writableFinished) upstream.destroy();
  });
  req.on("error", () => upstream.destroy()); // the client went away mid-body
  upstream.flushHeaders(); // likewise upstream: the release may answer before the body ends
  req.pipe(upstream);
}

/** A WebSocket (or any upgrade): replay the request to the release, then pipe the raw sockets. */
function tunnel(options: {
  req: IncomingMessage;
  socket: Socket;
  head: Buffer;
  port: number;
  tunnels: Set<Socket>;
}): void {
  const { req, socket, tunnels } = options;
  const upstream = net.connect(options.port, "127.0.0.1");
  tunnels.add(upstream);
  let connected = false;
  upstream.once("connect", () => {
    connected = true;
    const lines = [`${req.method ?? "GET"} ${req.url ?? "/"} HTTP/1.1`];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
    if (options.head.length > 0) upstream.write(options.head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  upstream.on("error", (error) => {
    if (!connected) socketProblem(socket, problem("upstream_error", `ATT did not answer: ${error.message}`));
    else socket.destroy();
  });
  upstream.once("close", () => {
    tunnels.delete(upstream);
    socket.destroy();
  });
  socket.once("close", () => upstream.destroy());
}

function isEventStream(headers: IncomingHttpHeaders): boolean {
  return String(headers["content-type"] ?? "")
    .toLowerCase()
    .startsWith("text/event-stream");
}

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const kept: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name)) kept[name] = value;
  return kept;
}
