/**
 * The launcher's own API, for the ATT it runs (which gets the URL and the
 * token in ATT_LAUNCHER_URL / ATT_LAUNCHER_TOKEN): start a switch, follow
 * it, read the status. 127.0.0.1 only, a bearer token on every route
 * (compared in constant time), local Host only, JSON in and out.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { describeZodError, SwitchRequest } from "@att/shared";
import { OperationError } from "../operations/errors.ts";
import { problem, sendProblem } from "./problem.ts";
import type { Switcher } from "./switcher.ts";

const MAX_BODY_BYTES = 16 * 1024;
const LOCAL_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;

export interface Api {
  url: string;
  close: () => Promise<void>;
}

export async function startApi(options: { token: string; switcher: Switcher }): Promise<Api> {
  const expected = digest(options.token);
  const server = http.createServer((req, res) => {
    void handle(req, res, { expected, switcher: options.switcher }).catch((error: unknown) => {
      const status = error instanceof OperationError ? problem(error.code, error.message) : null;
      sendProblem(res, status ?? problem("internal", "the launcher failed to answer"));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("the launcher API has no address");
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  context: { expected: Buffer; switcher: Switcher },
): Promise<void> {
  if (!LOCAL_HOST.test(req.headers.host ?? "")) {
    sendProblem(res, problem("forbidden", "the launcher answers only local requests"));
    return;
  }
  if (!authorized(req.headers.authorization, context.expected)) {
    sendProblem(res, problem("unauthorized", "missing or wrong launcher token"), { "www-authenticate": "Bearer" });
    return;
  }
  const url = new URL(req.url ?? "/", "http://launcher");
  const switchId = /^\/switches\/([^/]+)$/.exec(url.pathname)?.[1];
  if (req.method === "POST" && url.pathname === "/switch") {
    const parsed = SwitchRequest.safeParse(await readJson(req));
    if (!parsed.success) {
      const issues = describeZodError(parsed.error);
      sendProblem(res, {
        ...problem("validation_failed", "the body does not match SwitchRequest"),
        errors: issues,
      });
      return;
    }
    const record = await context.switcher.request(parsed.data);
    sendJson(res, 202, { switch: record });
  } else if (req.method === "GET" && switchId !== undefined) {
    const record = context.switcher.get(decodeURIComponent(switchId));
    if (record === null) sendProblem(res, problem("not_found", "no such switch"));
    else sendJson(res, 200, { switch: record });
  } else if (req.method === "GET" && url.pathname === "/status") {
    sendJson(res, 200, context.switcher.status());
  } else {
    sendProblem(res, problem("not_found", `no route ${req.method ?? ""} ${url.pathname}`));
  }
}

/** Constant time: both sides are hashed to the same length before the comparison. */
function authorized(header: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer (\S+)$/.exec(header ?? "");
  const given = digest(match?.[1] ?? "");
  return timingSafeEqual(given, expected) && match !== null;
}

function digest(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES)
      throw new OperationError("payload_too_large", `the body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new OperationError("invalid_json", "the body is not JSON");
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
