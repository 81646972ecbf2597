/** Request id, access log and body size limit for every request (authentication: authenticate.ts). */
import { MAX_BODY_BYTES } from "@att/shared";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit as honoBodyLimit } from "hono/body-limit";
import type { AppBindings } from "../env.ts";
import { log } from "../log.ts";
import { ApiError } from "./api-error.ts";

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const requestId = (): MiddlewareHandler<AppBindings> => async (c, next) => {
  const given = c.req.header("x-request-id");
  const id = given !== undefined && REQUEST_ID.test(given) ? given : crypto.randomUUID();
  c.set("requestId", id);
  const started = Date.now();
  await next();
  withRequestId(c, id);
  // Upgraded sockets report 101; the path never includes secrets (tokens are headers).
  log("info", "request", {
    requestId: id,
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    ms: Date.now() - started,
  });
};

/** Responses relayed from a Durable Object (WebSocket upgrades) have immutable headers: copy them. */
function withRequestId(c: Context<AppBindings>, id: string): void {
  try {
    c.res.headers.set("x-request-id", id);
  } catch {
    const relayed = c.res;
    const headers = new Headers(relayed.headers);
    headers.set("x-request-id", id);
    c.res = new Response(relayed.body, { status: relayed.status, headers, webSocket: relayed.webSocket });
  }
}

/** Hono's limiter counts the streamed bytes, so chunked bodies without a length are capped too. */
export const bodyLimit = (): MiddlewareHandler<AppBindings> =>
  honoBodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new ApiError("payload_too_large", `request bodies are limited to ${MAX_BODY_BYTES} bytes`);
    },
  });
