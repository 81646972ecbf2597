/** One message sent to a running NAT app and what came back, whichever route carried it. */
import type { IntermediateStep, Json, ParsedParams } from "@att/shared";

export type SendVia = ParsedParams<"runtime.send">["via"];

export interface SendOptions {
  /** The app's base URL, e.g. `http://127.0.0.1:43117`. */
  baseUrl: string;
  message: string;
  /** Sent as NAT's conversation id; the WebSocket makes one up when null. */
  conversationId: string | null;
  timeoutMs: number;
}

export interface NatExchange {
  text: string;
  steps: IntermediateStep[];
  conversationId: string | null;
  /** NAT's final answer object, when it sent one. */
  raw: Json | null;
}
