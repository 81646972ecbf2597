/**
 * A header-injecting reverse proxy for the MCP conformance CLI, which cannot
 * send an Authorization header. It listens on 127.0.0.1, adds the bearer
 * token, and forwards everything else byte for byte, Host and Origin
 * included, so the DNS-rebinding scenario still tests the Worker itself.
 * Responses (SSE included) are streamed, never buffered.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface AuthProxy {
  url: string;
  close: () => Promise<void>;
  [Symbol.asyncDispose]: () => Promise<void>;
}

export async function startAuthProxy(options: { target: string; token: string }): Promise<AuthProxy> {
  const target = new URL(options.target);
  const server = http.createServer((incoming, outgoing) => {
    const headers = { ...incoming.headers, authorization: `Bearer ${options.token}` };
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      },
    );
    upstream.on("error", () => {
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.end();
    });
    // A client that hangs up (an SSE reader cancelling) ends the upstream request too.
    outgoing.on("close", () => upstream.destroy());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { url: `http://127.0.0.1:${port}`, close, [Symbol.asyncDispose]: close };
}
