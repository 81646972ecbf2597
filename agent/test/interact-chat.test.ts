/**
 * runtime.send over NAT's WebSocket as a live chat, against a real
 * `nat serve` (NAT 1.9): the answer streams as runtime.chat.delta events,
 * steps as runtime.chat.step, the end as runtime.chat.done; and a workflow
 * that asks a human (HITL, through NAT's own user interaction manager)
 * waits for runtime.respond when the exchange is interactive. The workflow
 * is a small NAT plugin (fixtures/nat-chat) found through its entry point on
 * PYTHONPATH; no LLM is involved.
 */
import { cpSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type AgentEvent, CHAT_EVENT_PAYLOADS, type MethodParams } from "@att/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { ensureNatVenv } from "../../tests/support/nat-venv.ts";
import type { OperationContext } from "../src/operations/context.ts";
import { OperationError } from "../src/operations/errors.ts";
import { AppsStandIn, type ServedApp, serveNat } from "./interact-helpers.ts";
import { projects } from "./projects-helpers.ts";
import { callOperation } from "./support/call.ts";
import { createTestContext, type TestContext } from "./support/context.ts";

const PLUGIN = fileURLToPath(new URL("./fixtures/nat-chat/plugin", import.meta.url));
const CHUNKS = Array.from({ length: 40 }, (_, index) => `chunk-${index} `);

let base: TestContext;
let context: OperationContext;
let app: ServedApp | undefined;
let projectId: string;
let otherProjectId: string;

beforeAll(async () => {
  const venv = await ensureNatVenv();
  base = createTestContext({ ATT_NAT_COMMAND: venv.nat, ATT_PYTHON_COMMAND: venv.python });
  const apps = new AppsStandIn();
  context = { ...base, runtime: apps };
  const { project } = await projects.create(context, { name: "chat_app" });
  projectId = project.id;
  otherProjectId = (await projects.create(context, { name: "other_app" })).project.id;
  const plugin = path.join(project.path, "nat_plugin");
  cpSync(PLUGIN, plugin, { recursive: true });
  writeFileSync(path.join(project.path, ".env"), `PYTHONPATH=${plugin}\nPYTHONDONTWRITEBYTECODE=1\n`);
  const configFile = "chat.yml";
  writeFileSync(
    path.join(project.path, configFile),
    ["workflow:", "  _type: att_chat_fixture", `  chunks: ${JSON.stringify(CHUNKS)}`, ""].join("\n"),
  );
  app = await serveNat({ nat: venv.nat, cwd: project.path, configFile });
  apps.set(projectId, app.url);
}, 600_000);

afterAll(async () => {
  await app?.stop();
  await base?.dispose();
});

type ChatEventType = keyof typeof CHAT_EVENT_PAYLOADS;

/** The runtime.chat.* events of one exchange, in the order they were queued. */
function chatEvents(exchangeId: string): AgentEvent[] {
  return context.outbox
    .after(0, 100_000)
    .map((entry) => entry.event)
    .filter((event) => event.type.startsWith("runtime.chat.") && event.payload.exchangeId === exchangeId);
}

type Payload<T extends ChatEventType> = z.infer<(typeof CHAT_EVENT_PAYLOADS)[T]>;

/** The payloads of one type, each checked against its schema. */
function payloads<T extends ChatEventType>(exchangeId: string, type: T): Payload<T>[] {
  // zod cannot narrow a schema picked by a generic key; the cast restates the table.
  const schema = CHAT_EVENT_PAYLOADS[type] as unknown as z.ZodType<Payload<T>>;
  return chatEvents(exchangeId)
    .filter((event) => event.type === type)
    .map((event) => schema.parse(event.payload));
}

/** Polls the outbox until an event of the exchange matches (bounded). */
async function eventOf<T extends ChatEventType>(exchangeId: string, type: T, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [found] = payloads(exchangeId, type);
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no ${type} event for ${exchangeId} within ${timeoutMs} ms:\n${app?.lastLines()}`);
}

async function rejection(promise: Promise<unknown>): Promise<OperationError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof OperationError)) throw new Error(`expected an OperationError, got ${String(error)}`);
  return error;
}

const send = (params: Omit<MethodParams<"runtime.send">, "projectId">) =>
  callOperation(context, "runtime.send", { projectId, ...params });
const respond = (params: Omit<MethodParams<"runtime.respond">, "projectId">) =>
  callOperation(context, "runtime.respond", { projectId, ...params });

const TEXT_PROMPT = { input_type: "text", text: "Favourite colour?", placeholder: "a colour" };
const RADIO_PROMPT = {
  input_type: "radio",
  text: "Pick one",
  options: [
    { id: "a", label: "Alpha", value: "alpha-v", description: "first" },
    { id: "b", label: "Beta", value: "beta-v", description: "second" },
  ],
};
const ask = (prompt: object) => `ask:${JSON.stringify(prompt)}`;

describe("runtime.send streams over the WebSocket", () => {
  it("sends the answer as ordered runtime.chat.delta events that concatenate to it, then done", async () => {
    const exchangeId = crypto.randomUUID();
    const result = await send({ message: "stream please", exchangeId });
    expect(result.exchangeId).toBe(exchangeId);
    expect(result.text, app?.lastLines()).toBe(CHUNKS.join(""));

    const deltas = payloads(exchangeId, "runtime.chat.delta");
    expect(deltas.map((delta) => delta.index)).toEqual(deltas.map((_, index) => index));
    expect(deltas.map((delta) => delta.text).join("")).toBe(result.text);
    expect(deltas.length).toBeLessThanOrEqual(CHUNKS.length);

    const steps = payloads(exchangeId, "runtime.chat.step").map((payload) => payload.step);
    expect(steps.map((step) => `${step.type}:${step.id}`)).toEqual(
      result.steps.map((step) => `${step.type}:${step.id}`),
    );
    expect(steps.map((step) => step.type)).toEqual(["FUNCTION_START", "FUNCTION_END"]);

    const events = chatEvents(exchangeId);
    expect(events.at(-1)?.type).toBe("runtime.chat.done");
    expect(payloads(exchangeId, "runtime.chat.done")).toEqual([
      { exchangeId, status: "completed", traceId: result.traceId, durationMs: result.durationMs },
    ]);
  }, 60_000);

  it("makes up an exchange id when none is given, and refuses one used before", async () => {
    const result = await send({ message: "stream please" });
    expect(result.exchangeId).toMatch(/^[0-9a-f-]{36}$/);
    expect(payloads(result.exchangeId, "runtime.chat.done")[0]?.status).toBe("completed");
    const error = await rejection(send({ message: "again", exchangeId: result.exchangeId }));
    expect(error.code).toBe("conflict");
    expect(error.details).toMatchObject({ reason: "exchange_id_used" });
  }, 60_000);

  it("emits no chat events for the HTTP routes and refuses interactive there", async () => {
    const exchangeId = crypto.randomUUID();
    const result = await send({ message: "stream please", via: "workflow_full", exchangeId });
    expect(result.text).toBe(CHUNKS.join(""));
    expect(chatEvents(exchangeId)).toEqual([]);
    const error = await rejection(send({ message: "hi", via: "generate", interactive: true }));
    expect(error.code).toBe("bad_request");
    expect(error.message).toContain("websocket");
  }, 60_000);
});

describe("a workflow that asks a human (HITL)", () => {
  it("fails a non-interactive exchange at once with the question, reported in runtime.chat.done", async () => {
    const exchangeId = crypto.randomUUID();
    const error = await rejection(send({ message: ask(TEXT_PROMPT), exchangeId }));
    expect(error.code).toBe("upstream_error");
    expect(error.message).toContain("Favourite colour?");
    expect(error.details).toMatchObject({ reason: "human_input_required", inputType: "text" });
    const [done] = payloads(exchangeId, "runtime.chat.done");
    expect(done).toMatchObject({ status: "failed", error: { code: "upstream_error", message: error.message } });
  }, 60_000);

  it("emits runtime.chat.prompt, and runtime.respond continues the exchange to its final answer", async () => {
    const exchangeId = crypto.randomUUID();
    const sent = send({ message: ask(TEXT_PROMPT), exchangeId, interactive: true });
    const asked = await eventOf(exchangeId, "runtime.chat.prompt");
    expect(asked).toMatchObject({
      exchangeId,
      awaitsResponse: true,
      prompt: { text: "Favourite colour?", inputType: "text", placeholder: "a colour", required: true },
    });
    expect(asked.interactionId).not.toBe("");
    expect(Date.parse(asked.expiresAt ?? "")).toBeGreaterThan(Date.now() + 200_000); // the 300 s default
    // The answer streams while the exchange waits: the text before the question is already an event.
    expect((await eventOf(exchangeId, "runtime.chat.delta")).text).toBe("Asking. ");

    const answered = await respond({ exchangeId, interactionId: asked.interactionId, response: "blue" });
    expect(answered).toEqual({ exchangeId, interactionId: asked.interactionId, text: "blue" });
    const result = await sent;
    expect(result.text).toBe("Asking. You answered: blue");
    const deltas = payloads(exchangeId, "runtime.chat.delta").map((delta) => delta.text);
    expect(deltas.join("")).toBe(result.text);
    expect(chatEvents(exchangeId).at(-1)?.type).toBe("runtime.chat.done");

    const late = await rejection(respond({ exchangeId, interactionId: asked.interactionId, response: "red" }));
    expect(late.code).toBe("conflict");
    expect(late.details).toMatchObject({ reason: "exchange_ended", status: "completed" });
  }, 60_000);

  it("takes a choice by id, value or label, sends NAT its value, and refuses what is no option", async () => {
    const exchangeId = crypto.randomUUID();
    const sent = send({ message: ask(RADIO_PROMPT), exchangeId, interactive: true });
    const asked = await eventOf(exchangeId, "runtime.chat.prompt");
    expect(asked.prompt).toMatchObject({
      inputType: "radio",
      options: [
        { id: "a", label: "Alpha", value: "alpha-v", description: "first" },
        { id: "b", label: "Beta", value: "beta-v", description: "second" },
      ],
    });
    const interactionId = asked.interactionId;
    const wrong = await rejection(respond({ exchangeId, interactionId, response: "Gamma" }));
    expect(wrong.code).toBe("bad_request");
    expect(wrong.message).toContain("a (Alpha), b (Beta)");
    const two = await rejection(respond({ exchangeId, interactionId, response: ["a", "b"] }));
    expect(two.code).toBe("bad_request");
    // Still waiting after the refusals.
    expect(await respond({ exchangeId, interactionId, response: "Beta" })).toMatchObject({ text: "beta-v" });
    expect((await sent).text).toBe("Asking. You answered: beta-v");
  }, 60_000);

  it("does not count the wait for an answer against the app's timeout", async () => {
    const exchangeId = crypto.randomUUID();
    const sent = send({ message: ask(TEXT_PROMPT), exchangeId, interactive: true, timeoutSeconds: 2 });
    const asked = await eventOf(exchangeId, "runtime.chat.prompt");
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await respond({ exchangeId, interactionId: asked.interactionId, response: "green" });
    expect((await sent).text).toBe("Asking. You answered: green");
  }, 60_000);

  it.each([
    ["NAT's prompt timeout", { ...TEXT_PROMPT, timeout: 1 }, {}],
    ["promptTimeoutSeconds", TEXT_PROMPT, { promptTimeoutSeconds: 1 }],
  ])(
    "fails the exchange cleanly when nobody answers within %s",
    async (_, prompt, extra) => {
      const exchangeId = crypto.randomUUID();
      const sent = send({ message: ask(prompt), exchangeId, interactive: true, ...extra });
      const asked = await eventOf(exchangeId, "runtime.chat.prompt");
      const error = await rejection(sent);
      expect(error.code).toBe("upstream_error");
      expect(error.message).toContain("nobody answered the workflow's question within 1 s: Favourite colour?");
      expect(error.details).toMatchObject({ reason: "human_input_timeout", interactionId: asked.interactionId });
      const [done] = payloads(exchangeId, "runtime.chat.done");
      expect(done).toMatchObject({ status: "failed", error: { code: "upstream_error", message: error.message } });
      const late = await rejection(respond({ exchangeId, interactionId: asked.interactionId, response: "blue" }));
      expect(late.code).toBe("conflict");
      expect(late.details).toMatchObject({ reason: "exchange_ended", status: "failed" });
    },
    60_000,
  );

  it("shows a notification as a prompt that awaits no answer, and goes on", async () => {
    const exchangeId = crypto.randomUUID();
    const result = await send({ message: ask({ input_type: "notification", text: "Heads up" }), exchangeId });
    expect(result.text).toBe("Asking. You answered: Notification acknowledgement.");
    expect(payloads(exchangeId, "runtime.chat.prompt")).toEqual([
      expect.objectContaining({
        awaitsResponse: false,
        expiresAt: null,
        prompt: expect.objectContaining({ text: "Heads up", inputType: "notification" }),
      }),
    ]);
  }, 60_000);

  it("answers not_found for an unknown exchange, interaction or project", async () => {
    const unknown = await rejection(
      respond({ exchangeId: crypto.randomUUID(), interactionId: "nope", response: "blue" }),
    );
    expect(unknown.code).toBe("not_found");
    expect(unknown.details).toMatchObject({ reason: "unknown_exchange" });

    const exchangeId = crypto.randomUUID();
    const sent = send({ message: ask(TEXT_PROMPT), exchangeId, interactive: true });
    const asked = await eventOf(exchangeId, "runtime.chat.prompt");
    const wrongInteraction = await rejection(respond({ exchangeId, interactionId: "nope", response: "blue" }));
    expect(wrongInteraction.code).toBe("not_found");
    expect(wrongInteraction.details).toMatchObject({ reason: "unknown_interaction", waiting: [asked.interactionId] });
    const wrongProject = await rejection(
      callOperation(context, "runtime.respond", {
        projectId: otherProjectId,
        exchangeId,
        interactionId: asked.interactionId,
        response: "blue",
      }),
    );
    expect(wrongProject.code).toBe("not_found");
    await respond({ exchangeId, interactionId: asked.interactionId, response: "blue" });
    expect((await sent).text).toBe("Asking. You answered: blue");
  }, 60_000);
});
