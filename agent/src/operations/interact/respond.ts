/**
 * runtime.respond: the human's answer to a question an interactive
 * runtime.send exchange waits on (HITL), sent to NAT on that exchange's
 * WebSocket; the exchange then continues.
 */
import type { Operation } from "../context.ts";
import { exchangesOf } from "./exchanges.ts";
import { replyText } from "./prompt.ts";

export const runtimeRespond: Operation<"runtime.respond"> = async (params, context) => {
  await context.catalog.get(params.projectId); // not_found for an unknown project
  const pending = exchangesOf(context).pending(params.projectId, params.exchangeId, params.interactionId);
  const text = replyText(pending.prompt, params.response);
  pending.answer(text);
  return { exchangeId: params.exchangeId, interactionId: params.interactionId, text };
};
