/**
 * One short MCP session with a Streamable HTTP server, from the control
 * plane: connect and initialize, run one piece of work, then end the session.
 * The SDK's client transport is fetch-based, so it runs in workerd as is. The
 * whole session, cleanup included, is bounded by one deadline; errors come
 * out described (failure.ts) and with registered header values removed.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { RequestOptions } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { FetchLike } from "@modelcontextprotocol/sdk/shared/transport.js";
import { CheckTimeout, ConnectionFailed, describe, StepFailed } from "./failure.ts";

export interface HttpTarget {
  url: string;
  /** Sent on every request (e.g. Authorization); never logged. */
  headers: Readonly<Record<string, string>>;
  /** Reported to the server as the client's version. */
  clientVersion: string;
  /** The fetch to use; the global one by default. */
  fetch?: FetchLike;
}

export interface HttpSession {
  client: Client;
  transport: StreamableHTTPClientTransport;
  /** Options for every request of the session: its deadline. */
  request: RequestOptions;
}

/** A failure of the session, already described and free of secrets. */
export class SessionFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SessionFailed";
  }
}

/**
 * How a dropped SSE stream is resumed (GET with Last-Event-ID, after the
 * server's `retry` when it sends one): tool calls and reads try twice, within
 * the session's deadline; a health check never resumes (a drop is a failure).
 */
const RESUME = {
  maxRetries: 2,
  initialReconnectionDelay: 1000,
  maxReconnectionDelay: 4000,
  reconnectionDelayGrowFactor: 2,
};
const NO_RESUME = {
  maxRetries: 0,
  initialReconnectionDelay: 1000,
  maxReconnectionDelay: 1000,
  reconnectionDelayGrowFactor: 1,
};

export async function withHttpSession<T>(options: {
  target: HttpTarget;
  timeoutMs: number;
  /** Resume a dropped response stream (calls and reads); off for health checks. */
  resume?: boolean;
  run: (session: HttpSession) => Promise<T>;
}): Promise<T> {
  const { target, timeoutMs } = options;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new CheckTimeout(timeoutMs)), timeoutMs);
  const url = new URL(target.url);
  const transport = new StreamableHTTPClientTransport(url, {
    requestInit: { headers: { ...target.headers } },
    fetch: guardedFetch(target.fetch ?? fetch, deadline.signal, url.host),
    reconnectionOptions: options.resume === true ? RESUME : NO_RESUME,
  });
  const client = new Client({ name: "att-hub", version: target.clientVersion }, { capabilities: {} });
  const request: RequestOptions = { signal: deadline.signal, timeout: timeoutMs };
  try {
    const work = async () => {
      await step("initialize", () => client.connect(transport, request));
      return options.run({ client, transport, request });
    };
    return await untilAborted(work(), deadline.signal);
  } catch (error) {
    throw new SessionFailed(withoutSecrets(describe(error), target.headers));
  } finally {
    await endSession(client, transport);
    clearTimeout(timer);
  }
}

/** Runs one step of a session; its failure names the step. */
export async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new StepFailed(name, error);
  }
}

/**
 * Every request of the session shares its deadline; a fetch that throws (as
 * opposed to answering with an error status) becomes ConnectionFailed.
 */
function guardedFetch(base: FetchLike, deadline: AbortSignal, target: string): FetchLike {
  return async (input, init) => {
    const own = init?.signal ?? null;
    const signal = own === null ? deadline : AbortSignal.any([own, deadline]);
    try {
      return await base(input, { ...init, signal });
    } catch (error) {
      if (deadline.aborted) throw deadline.reason;
      if (own?.aborted) throw error; // the transport closed its own request
      throw new ConnectionFailed(target, error);
    }
  };
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    work.then(resolve, reject);
  });
}

/** Ends the server-side session (best effort, within the deadline) and closes the transport. */
async function endSession(client: Client, transport: StreamableHTTPClientTransport): Promise<void> {
  if (transport.sessionId !== undefined) await transport.terminateSession().catch(() => undefined);
  await client.close().catch(() => undefined);
}

/** A server may echo our request (headers included) in its error body: never store or show a secret from it. */
export function withoutSecrets(text: string, secrets: Readonly<Record<string, string>> | undefined): string {
  let clean = text;
  for (const value of Object.values(secrets ?? {})) {
    for (const secret of [value, value.replace(/^\S+\s+/, "")]) {
      if (secret.length >= 4) clean = clean.split(secret).join("****");
    }
  }
  return clean;
}
