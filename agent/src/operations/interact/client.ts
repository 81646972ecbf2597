/**
 * A client for a running NAT app (`nat serve`): sends one message by the
 * chosen route and returns the answer with its intermediate steps. It knows
 * only the app's base URL, not how the app was started.
 */
import type { NatExchange, SendOptions, SendVia } from "./exchange.ts";
import { sendChatCompletion, sendGenerate, sendWorkflowFull } from "./http.ts";
import { sendOverWebSocket } from "./websocket.ts";

const ROUTES: Readonly<Record<SendVia, (options: SendOptions) => Promise<NatExchange>>> = {
  websocket: sendOverWebSocket,
  chat_completions: sendChatCompletion,
  generate: sendGenerate,
  workflow_full: sendWorkflowFull,
};

export function sendToNat(options: SendOptions & { via: SendVia }): Promise<NatExchange> {
  return ROUTES[options.via](options);
}

export type { NatExchange, SendOptions, SendVia } from "./exchange.ts";
