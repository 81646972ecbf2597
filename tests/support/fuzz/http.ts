/**
 * Raw HTTP for the fuzz suite: `node:http` sends the path, headers and body
 * bytes exactly as generated (fetch would normalize `..` and re-encode), over
 * a bounded keep-alive pool. Also the checks every refusal must pass.
 */
import http from "node:http";

export interface RawRequest {
  method: string;
  /** Sent verbatim: may hold `..`, `%00`, malformed escapes. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface RawResponse {
  status: number;
  contentType: string;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** Every fuzzed request is refused early or answered by a quick read: a long wait is itself a finding. */
const TIMEOUT_MS = 30_000;
/** Keeps the bytes we hold of any one answer small; only the head is needed for the checks. */
const MAX_KEPT_BYTES = 4 * 1024 * 1024;

export class RawClient {
  readonly #agent: http.Agent;
  readonly #port: number;

  constructor(port: number, maxSockets: number) {
    this.#port = port;
    this.#agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  send(request: RawRequest): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      // A hard deadline, not an idle timeout: a stream that trickles forever must end too.
      const deadline = setTimeout(() => {
        req.destroy();
        reject(new Error(`no complete answer within ${TIMEOUT_MS} ms`));
      }, TIMEOUT_MS);
      const settle =
        <T>(fn: (value: T) => void) =>
        (value: T) => {
          clearTimeout(deadline);
          fn(value);
        };
      const req = http.request(
        {
          host: "127.0.0.1",
          port: this.#port,
          method: request.method,
          path: request.path,
          headers: request.headers ?? {},
          agent: this.#agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let kept = 0;
          res.on("data", (chunk: Buffer) => {
            if (kept < MAX_KEPT_BYTES) chunks.push(chunk);
            kept += chunk.length;
          });
          res.on("error", settle(reject));
          res.on("end", () =>
            settle(resolve)({
              status: res.statusCode ?? 0,
              contentType: String(res.headers["content-type"] ?? ""),
              headers: res.headers,
              text: Buffer.concat(chunks).toString("utf8"),
            }),
          );
        },
      );
      req.on("error", settle(reject));
      req.end(request.body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

/** A short, replayable description of a request (large bodies abbreviated). */
export function describeRequest(request: RawRequest): string {
  const body = request.body;
  const shown =
    body === undefined
      ? ""
      : typeof body === "string"
        ? ` body(${body.length} chars)=${JSON.stringify(body.slice(0, 300))}`
        : ` body(${body.length} bytes)=${Buffer.from(body.subarray(0, 100)).toString("hex")}`;
  return `${request.method} ${request.path} headers=${JSON.stringify(request.headers ?? {})}${shown}`;
}

export class FuzzFailure extends Error {
  constructor(what: string, request: string, response: RawResponse) {
    super(
      `${what}\n  request: ${request}\n  answer: ${response.status} ${response.contentType} ${response.text.slice(0, 600)}`,
    );
    this.name = "FuzzFailure";
  }
}

const PROBLEM_TYPE = /^application\/problem\+json(;|$)/;

/** What a problem+json refusal must hold (RFC 7807 plus ATT's code), or why it does not. */
export function problemDefect(response: RawResponse): string | null {
  if (!PROBLEM_TYPE.test(response.contentType)) return `content-type is '${response.contentType}'`;
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    return "the body is not JSON";
  }
  if (typeof body !== "object" || body === null) return "the body is not an object";
  const problem = body as Record<string, unknown>;
  for (const field of ["type", "title", "detail", "code"]) {
    if (typeof problem[field] !== "string" || problem[field] === "") return `'${field}' is missing or not a string`;
  }
  if (problem.status !== response.status) return `'status' ${String(problem.status)} is not the HTTP status`;
  if (/\bat .+:\d+:\d+/.test(response.text)) return "the body carries a stack trace";
  return null;
}

/** Sends a request; a transport failure (reset, no answer in time) names the request. */
export async function sendDescribed(client: RawClient, request: RawRequest): Promise<RawResponse> {
  try {
    return await client.send(request);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n  request: ${describeRequest(request)}`);
  }
}

/**
 * The REST property: bad input never gets a 5xx, and every refusal is
 * well-formed problem+json. Returns the answer for further checks.
 */
export async function expectRefusedCleanly(client: RawClient, request: RawRequest): Promise<RawResponse> {
  const response = await sendDescribed(client, request);
  const described = () => describeRequest(request);
  if (response.status >= 500) throw new FuzzFailure(`a ${response.status} for bad input`, described(), response);
  if (response.status >= 400) {
    const defect = problemDefect(response);
    if (defect !== null) throw new FuzzFailure(`a malformed refusal: ${defect}`, described(), response);
  }
  return response;
}
