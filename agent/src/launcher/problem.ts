/**
 * RFC 7807 problem+json answers from the launcher (its API and its proxy),
 * in the shape ATT's REST API uses, with ATT's stable error codes.
 */
import { type ServerResponse, STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { type ErrorCode, HTTP_STATUS_BY_CODE, type Problem } from "@att/shared";

export function problem(code: ErrorCode, detail: string): Problem {
  const status = HTTP_STATUS_BY_CODE[code];
  return { type: `https://att.dev/problems/${code}`, title: STATUS_CODES[status] ?? "Error", status, detail, code };
}

export function sendProblem(res: ServerResponse, body: Problem, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(body.status, {
    "content-type": "application/problem+json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** The same answer written by hand on a raw socket (a WebSocket upgrade that cannot be served). */
export function socketProblem(socket: Socket, body: Problem, headers: Record<string, string> = {}): void {
  if (socket.destroyed) return;
  const text = JSON.stringify(body);
  const lines = [
    `HTTP/1.1 ${body.status} ${STATUS_CODES[body.status] ?? "Error"}`,
    "Content-Type: application/problem+json",
    `Content-Length: ${Buffer.byteLength(text)}`,
    "Connection: close",
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.end(`${lines.join("\r\n")}\r\n\r\n${text}`);
}
