/**
 * The project terminal on the real stack (wrangler dev + agent process): the
 * REST call answers with the command's output, and a socket opened with
 * `tail=0` sees only the run's live terminal.output / terminal.exit events.
 */
import { type StoredEvent, TerminalExitPayload, TerminalOutputPayload, type TerminalRunResult } from "@att/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Stack, Subscriber } from "../support/stack.ts";

let stack: Stack;
let projectId: string;

beforeAll(async () => {
  stack = await Stack.start();
  await stack.startLinkedAgent();
  const created = await stack.json<{ project: { id: string } }>("/api/v1/projects", {
    method: "POST",
    body: JSON.stringify({ name: "terminal_demo", template: "empty" }),
  });
  projectId = created.project.id;
}, 120_000);

afterAll(async () => {
  await stack?.dispose();
});

const run = (body: unknown) =>
  stack.api(`/api/v1/projects/${projectId}/terminal/run`, { method: "POST", body: JSON.stringify(body) });

describe("POST /api/v1/projects/{id}/terminal/run", () => {
  it("answers with the output and streams it to a live-only subscriber", async () => {
    const url = `ws://127.0.0.1:${new URL(stack.url).port}/api/v1/projects/${projectId}/ws?tail=0`;
    const subscriber = new Subscriber(url, stack.userToken);
    await subscriber.ready;
    // The project's creation is in its history; tail=0 replays none of it.
    expect(subscriber.events).toEqual([]);

    const runId = crypto.randomUUID();
    const response = await run({ command: 'basename "$PWD"; seq 1 3; echo oops >&2; exit 7', runId });
    expect(response.status).toBe(200);
    const result = (await response.json()) as TerminalRunResult;
    expect(result).toMatchObject({ runId, exitCode: 7, signal: null, timedOut: false, truncated: false });
    expect(result.output).toContain("terminal_demo\n1\n2\n3\n");
    expect(result.output).toContain("oops\n");

    // The exit event is the run's last; by then every output batch arrived, in order.
    const isExit = (event: StoredEvent) => event.type === "terminal.exit" && event.payload.runId === runId;
    const deadline = Date.now() + 30_000;
    while (!(subscriber.events as unknown as StoredEvent[]).some(isExit) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    subscriber.close();
    const seen = (subscriber.events as unknown as StoredEvent[]).filter((event) => event.payload.runId === runId);
    expect(seen.length).toBe(subscriber.events.length);
    expect(seen.at(-1)?.type).toBe("terminal.exit");
    expect(TerminalExitPayload.parse(seen.at(-1)?.payload)).toMatchObject({ exitCode: 7, timedOut: false });
    const output = seen.filter((event) => event.type === "terminal.output");
    const stdout = output
      .map((event) => TerminalOutputPayload.parse(event.payload))
      .filter((batch) => batch.stream === "stdout")
      .map((batch) => batch.text)
      .join("");
    expect(stdout).toBe("terminal_demo\n1\n2\n3\n");

    // The newest events, newest first, without reading the history.
    const newest = await stack.json<{ events: StoredEvent[]; hasMore: boolean }>(
      `/api/v1/projects/${projectId}/events?order=desc&limit=1`,
    );
    expect(newest.events.map((event) => event.type)).toEqual(["terminal.exit"]);
    expect(newest.hasMore).toBe(true);
  });

  it("refuses an empty command with problem+json before reaching the agent", async () => {
    const response = await run({ command: "" });
    expect(response.status).toBe(422);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
  });
});
