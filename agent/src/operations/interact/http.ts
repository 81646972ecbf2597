/**
 * NAT's HTTP routes: `/v1/chat/completions` and `/generate` answer one JSON
 * object; `/v1/workflow/full` streams the answer with every intermediate
 * step. Every call is bounded by the exchange's timeout and a body size cap.
 */
import { isJson, type Json } from "@att/shared";
import type { z } from "zod";
import { LineSplitter } from "../../process/lines.ts";
import { OperationError } from "../errors.ts";
import type { NatExchange, SendOptions } from "./exchange.ts";
import { FullStreamReader } from "./full-stream.ts";
import { ChatCompletion, GenerateAnswer } from "./nat-wire.ts";
import { pairDurations } from "./steps.ts";
import {
  badStatus,
  excerpt,
  humanInputRequired,
  parseJsonText,
  timedOut,
  unreachable,
  unreadable,
} from "./upstream.ts";

/** NAT's answers are small; a bigger body is a fault, not something to buffer. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;
/** One stream record (a step with its inputs and outputs) may be long, but not unbounded. */
const MAX_RECORD_BYTES = 8 * 1024 * 1024;

interface Call {
  url: string;
  signal: AbortSignal;
  timeoutMs: number;
  abort: () => void;
}

function startCall(options: SendOptions, route: string): Call {
  const controller = new AbortController();
  return {
    url: `${options.baseUrl.replace(/\/+$/, "")}${route}`,
    signal: AbortSignal.any([controller.signal, AbortSignal.timeout(options.timeoutMs)]),
    timeoutMs: options.timeoutMs,
    abort: () => controller.abort(),
  };
}

/** What a failed call is reported as: our own errors as they are, the timeout, or an unreachable app. */
function failure(call: Call, error: unknown): OperationError {
  if (error instanceof OperationError) return error;
  if (call.signal.reason instanceof Error && call.signal.reason.name === "TimeoutError")
    return timedOut(call.url, call.timeoutMs);
  return unreachable(call.url, error);
}

/** Streams the body into `onChunk`, failing past the size cap. */
async function readBody(call: Call, response: Response, onChunk: (chunk: Buffer) => void): Promise<void> {
  if (response.body === null) return;
  let bytes = 0;
  for await (const chunk of response.body) {
    bytes += chunk.byteLength;
    if (bytes > MAX_BODY_BYTES) {
      call.abort();
      throw unreadable(call.url, `an answer over ${MAX_BODY_BYTES} bytes`, "");
    }
    onChunk(Buffer.from(chunk));
  }
}

async function post(call: Call, options: SendOptions, body: Json): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (options.conversationId !== null) headers["conversation-id"] = options.conversationId;
  const response = await fetch(call.url, { method: "POST", headers, body: JSON.stringify(body), signal: call.signal });
  if (response.status !== 200) {
    const chunks: Buffer[] = [];
    await readBody(call, response, (chunk) => chunks.push(chunk));
    const text = Buffer.concat(chunks).toString("utf8");
    // NAT answers 202 with status and response URLs when the workflow waits for a human (HITL over HTTP).
    if (response.status === 202) throw humanInputRequired(null, { url: call.url, body: excerpt(text) });
    throw badStatus(call.url, response.status, text);
  }
  return response;
}

/** POSTs and parses the one JSON answer with `schema`. */
async function postForJson<T>(
  options: SendOptions,
  route: string,
  body: Json,
  schema: z.ZodType<T>,
): Promise<{ answer: T; raw: Json }> {
  const call = startCall(options, route);
  try {
    const response = await post(call, options, body);
    const chunks: Buffer[] = [];
    await readBody(call, response, (chunk) => chunks.push(chunk));
    const text = Buffer.concat(chunks).toString("utf8");
    const parsed = parseJsonText(text);
    if (!parsed.ok || !isJson(parsed.value)) throw unreadable(call.url, "invalid JSON", text);
    const answer = schema.safeParse(parsed.value);
    if (!answer.success) throw unreadable(call.url, "an unexpected answer", text, answer.error.message);
    return { answer: answer.data, raw: parsed.value };
  } catch (error) {
    throw failure(call, error);
  }
}

export async function sendChatCompletion(options: SendOptions): Promise<NatExchange> {
  const body = { messages: [{ role: "user", content: options.message }], stream: false };
  const { answer, raw } = await postForJson(options, "/v1/chat/completions", body, ChatCompletion);
  const text = answer.choices[0]?.message.content ?? "";
  return { text, steps: [], conversationId: options.conversationId, raw };
}

export async function sendGenerate(options: SendOptions): Promise<NatExchange> {
  const { answer, raw } = await postForJson(options, "/generate", { input_message: options.message }, GenerateAnswer);
  const text = typeof answer.value === "string" ? answer.value : JSON.stringify(answer.value ?? null);
  return { text, steps: [], conversationId: options.conversationId, raw };
}

export async function sendWorkflowFull(options: SendOptions): Promise<NatExchange> {
  const call = startCall(options, "/v1/workflow/full");
  const reader = new FullStreamReader(call.url);
  try {
    const response = await post(call, options, { input_message: options.message });
    let failed: unknown = null;
    const lines = new LineSplitter((line) => {
      if (failed !== null) return;
      try {
        reader.line(line);
      } catch (error) {
        failed = error;
        call.abort(); // NAT reported an error or sent garbage: stop reading
      }
    }, MAX_RECORD_BYTES);
    try {
      await readBody(call, response, (chunk) => lines.write(chunk));
    } catch (error) {
      if (failed === null) throw error;
    }
    lines.end();
    if (failed !== null) throw failed;
  } catch (error) {
    throw failure(call, error);
  }
  const result = reader.result();
  return {
    text: result.text,
    steps: pairDurations(result.steps),
    conversationId: options.conversationId,
    raw: result.raw,
  };
}
