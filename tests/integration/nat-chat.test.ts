/**
 * The Chat view's path through the real stack (wrangler dev, the agent, a
 * real `nat serve`): POST .../runtime/send with a client-chosen exchangeId
 * and `interactive`, the runtime.chat.* events on the project's event log
 * while it runs, the workflow's question (HITL) answered with POST
 * .../runtime/respond, and problem+json for answers to what does not wait.
 * The workflow is the test NAT plugin of agent/test/fixtures/nat-chat.
 */
import { cpSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { RuntimeSendResult, StoredEvent } from "@att/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { repoRoot, Stack } from "../support/stack.ts";

const PLUGIN = path.join(repoRoot, "agent", "test", "fixtures", "nat-chat", "plugin");
const CHUNKS = Array.from({ length: 20 }, (_, index) => `part-${index} `);

let stack: Stack;
let projectId: string;

const post = (pathname: string, body: unknown) => stack.api(pathname, { method: "POST", body: JSON.stringify(body) });

beforeAll(async () => {
  stack = await Stack.startLinkedWithNat();
  const created = await stack.json<{ project: { id: string; path: string } }>("/api/v1/projects", {
    method: "POST",
    body: JSON.stringify({ name: "chat_it" }),
  });
  projectId = created.project.id;
  const root = created.project.path;
  cpSync(PLUGIN, path.join(root, "nat_plugin"), { recursive: true });
  writeFileSync(path.join(root, ".env"), `PYTHONPATH=${path.join(root, "nat_plugin")}\nPYTHONDONTWRITEBYTECODE=1\n`);
  writeFileSync(
    path.join(root, "chat.yml"),
    ["workflow:", "  _type: att_chat_fixture", `  chunks: ${JSON.stringify(CHUNKS)}`, ""].join("\n"),
  );
  const started = await post(`/api/v1/projects/${projectId}/runtime/start`, { configPath: "chat.yml" });
  expect(started.status, await started.clone().text()).toBe(200);
}, 900_000);

afterAll(async () => {
  await stack?.dispose();
});

/** The stored runtime.chat.* events of one exchange, in log order. */
async function chatEvents(exchangeId: string): Promise<StoredEvent[]> {
  const { events } = await stack.json<{ events: StoredEvent[] }>(
    `/api/v1/projects/${projectId}/events?limit=1000&type=runtime.chat.delta&type=runtime.chat.step&type=runtime.chat.prompt&type=runtime.chat.done`,
  );
  return events.filter((event) => event.payload.exchangeId === exchangeId);
}

async function waitForEvent(exchangeId: string, type: string): Promise<StoredEvent> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = (await chatEvents(exchangeId)).find((event) => event.type === type);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`no ${type} event for ${exchangeId}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function problemCode(response: Response, status: number): Promise<string> {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toContain("application/problem+json");
  return ((await response.json()) as { code: string }).code;
}

type SendResult = z.infer<typeof RuntimeSendResult>;

describe("chatting with a NAT app over REST", () => {
  it("streams the answer into the event log, in order, ending with runtime.chat.done", async () => {
    const exchangeId = crypto.randomUUID();
    const response = await post(`/api/v1/projects/${projectId}/runtime/send`, { message: "stream", exchangeId });
    expect(response.status).toBe(200);
    const result = (await response.json()) as SendResult;
    expect(result).toMatchObject({ exchangeId, text: CHUNKS.join("") });
    await waitForEvent(exchangeId, "runtime.chat.done");
    const events = await chatEvents(exchangeId);
    const deltas = events.filter((event) => event.type === "runtime.chat.delta").map((event) => event.payload);
    expect(deltas.map((delta) => delta.index)).toEqual(deltas.map((_, index) => index));
    expect(deltas.map((delta) => delta.text).join("")).toBe(result.text);
    expect(events.at(-1)?.payload).toMatchObject({ status: "completed", traceId: result.traceId });
  });

  it("asks the human, takes the answer from POST .../runtime/respond, and completes", async () => {
    const exchangeId = crypto.randomUUID();
    const question = {
      input_type: "binary_choice",
      text: "Proceed?",
      options: [
        { id: "yes", label: "Yes", value: "go" },
        { id: "no", label: "No", value: "stop" },
      ],
    };
    const sending = post(`/api/v1/projects/${projectId}/runtime/send`, {
      message: `ask:${JSON.stringify(question)}`,
      exchangeId,
      interactive: true,
    });
    const prompt = await waitForEvent(exchangeId, "runtime.chat.prompt");
    expect(prompt.payload).toMatchObject({
      awaitsResponse: true,
      prompt: { text: "Proceed?", inputType: "binary_choice" },
    });
    const interactionId = String(prompt.payload.interactionId);

    const wrong = await post(`/api/v1/projects/${projectId}/runtime/respond`, {
      exchangeId,
      interactionId,
      response: "maybe",
    });
    expect(await problemCode(wrong, 400)).toBe("bad_request");
    const answered = await post(`/api/v1/projects/${projectId}/runtime/respond`, {
      exchangeId,
      interactionId,
      response: "yes",
    });
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({ exchangeId, interactionId, text: "go" });

    const response = await sending;
    expect(response.status).toBe(200);
    expect(((await response.json()) as SendResult).text).toBe("Asking. You answered: go");
    const late = await post(`/api/v1/projects/${projectId}/runtime/respond`, {
      exchangeId,
      interactionId,
      response: "no",
    });
    expect(await problemCode(late, 409)).toBe("conflict");
    const unknown = await post(`/api/v1/projects/${projectId}/runtime/respond`, {
      exchangeId: crypto.randomUUID(),
      interactionId,
      response: "no",
    });
    expect(await problemCode(unknown, 404)).toBe("not_found");
  });
});
