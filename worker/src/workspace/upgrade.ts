/** Accepting hibernatable WebSockets, and the problem answers given instead of an upgrade. */
import { APP_SUBPROTOCOL, type ErrorCode } from "@att/shared";
import { problemBody, problemResponse } from "../http/api-error.ts";

/** Set by the agent route after authentication: the pairing the agent proved ("" for local mode's token). */
export const PAIRING_HEADER = "x-att-pairing";

export function acceptSocket(
  ctx: DurableObjectState,
  request: Request,
  tags: string[],
  onAccepted: (ws: WebSocket) => void,
): Response {
  const pair = new WebSocketPair();
  const [client, server] = [pair[0], pair[1]];
  ctx.acceptWebSocket(server, tags);
  onAccepted(server);
  // A browser that offered subprotocols (to carry its token) needs one chosen.
  const offered = request.headers.get("sec-websocket-protocol");
  const headers: HeadersInit = offered?.includes(APP_SUBPROTOCOL) ? { "sec-websocket-protocol": APP_SUBPROTOCOL } : {};
  return new Response(null, { status: 101, webSocket: client, headers });
}

export function notFound(options: { code: ErrorCode; message: string; requestId: string; instance: string }): Response {
  return problemResponse(
    problemBody({
      code: options.code,
      detail: options.message,
      requestId: options.requestId,
      instance: options.instance,
    }),
    { "x-request-id": options.requestId },
  );
}
