/**
 * A guard the MCP SDK's Streamable HTTP transport lacks (typescript-sdk
 * #2433): it routes each response to its HTTP stream by JSON-RPC id alone, so
 * a request that reuses an id still in flight in the session takes over the
 * first one's stream: one caller gets the other's answer, the other waits
 * forever. Ids must be unique among a client's pending requests, so a reused
 * one is refused at once (409, JSON-RPC -32600, as the upstream fix does);
 * the id is free again once its answer has been sent.
 */
import { MAX_BODY_BYTES } from "@att/shared";

type RpcId = string | number;

const keyOf = (id: RpcId): string => `${typeof id}:${id}`;

export class InFlightIds {
  readonly #keys = new Set<string>();

  /** Claims the ids of one request; returns the first that is already in flight (claiming none), or null. */
  claim(ids: readonly RpcId[]): RpcId | null {
    const taken = ids.find((id) => this.#keys.has(keyOf(id)));
    if (taken !== undefined) return taken;
    for (const id of ids) this.#keys.add(keyOf(id));
    return null;
  }

  /** A release for these ids that frees them once, however often it is called. */
  releaser(ids: readonly RpcId[]): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const id of ids) this.#keys.delete(keyOf(id));
    };
  }
}

/**
 * Ids of the JSON-RPC requests (not notifications or responses) in a POST,
 * read from a copy of the body. A body of unknown or excessive length is not
 * read: the transport refuses what it cannot parse or what is too large.
 */
export async function requestIdsOf(request: Request): Promise<RpcId[]> {
  const length = Number(request.headers.get("content-length") ?? Number.NaN);
  if (request.method !== "POST" || !(length > 0 && length <= MAX_BODY_BYTES)) return [];
  let body: unknown;
  try {
    body = JSON.parse(await request.clone().text());
  } catch {
    return [];
  }
  const messages: unknown[] = Array.isArray(body) ? body : [body];
  return messages.flatMap((message) => {
    if (typeof message !== "object" || message === null) return [];
    const { id, method } = message as { id?: unknown; method?: unknown };
    return typeof method === "string" && (typeof id === "string" || typeof id === "number") ? [id] : [];
  });
}

export function duplicateId(id: RpcId): Response {
  return Response.json(
    {
      jsonrpc: "2.0",
      id,
      error: {
        code: -32600,
        message: `Invalid Request: request id ${JSON.stringify(id)} is already in flight in this session`,
      },
    },
    { status: 409 },
  );
}

/** The same response, calling `release` when its body has been sent in full or cancelled by the client. */
export function releasingWhenDone(response: Response, release: () => void): Response {
  if (response.body === null) {
    release();
    return response;
  }
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          release();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        release();
        controller.error(error);
      }
    },
    cancel(reason) {
      release();
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
