/** The event log and subscribers: sequence numbers, idempotent appends, queries, replay + live. */
import { describe, expect, it } from "vitest";
import {
  AGENT_TOKEN,
  api,
  auth,
  connectTestAgent,
  makeEvent,
  makeProject,
  openSocket,
  sendEvents,
  USER_TOKEN,
} from "./helpers.ts";

const newProjectId = () => `p-${crypto.randomUUID()}`;

describe("event log", () => {
  it("assigns per-project sequence numbers from 1, in arrival order", async () => {
    const [a, b] = [newProjectId(), newProjectId()];
    const agent = await connectTestAgent([makeProject(a), makeProject(b)]);
    expect(await sendEvents(agent, [makeEvent(a, 0), makeEvent(b, 0), makeEvent(a, 1), makeEvent(a, 2)])).toEqual([
      1, 1, 2, 3,
    ]);
  });

  it("an event sent twice is stored once and acknowledged with the same seq", async () => {
    const p = newProjectId();
    const agent = await connectTestAgent([makeProject(p)]);
    const event = makeEvent(p, 0);
    const [first] = await sendEvents(agent, [event]);
    const [again] = await sendEvents(agent, [event]);
    expect(again).toBe(first);
    const page = (await (await api(`/api/v1/projects/${p}/events`)).json()) as { events: unknown[] };
    expect(page.events).toHaveLength(1);
  });

  it("pages with after/limit and filters by type and time", async () => {
    const p = newProjectId();
    const agent = await connectTestAgent([makeProject(p)]);
    const events = Array.from({ length: 7 }, (_, i) => ({
      ...makeEvent(p, i),
      type: i % 2 === 0 ? ("diagnostic" as const) : ("git.commit" as const),
      timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    }));
    await sendEvents(agent, events);

    const first = (await (await api(`/api/v1/projects/${p}/events?limit=3`)).json()) as {
      events: Array<{ seq: number }>;
      nextAfter: number;
      hasMore: boolean;
    };
    expect(first.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(first).toMatchObject({ nextAfter: 3, hasMore: true });
    const rest = (await (await api(`/api/v1/projects/${p}/events?after=${first.nextAfter}`)).json()) as {
      events: Array<{ seq: number }>;
      hasMore: boolean;
    };
    expect(rest.events.map((e) => e.seq)).toEqual([4, 5, 6, 7]);
    expect(rest.hasMore).toBe(false);

    const commits = (await (await api(`/api/v1/projects/${p}/events?type=git.commit`)).json()) as {
      events: Array<{ seq: number; type: string }>;
    };
    expect(commits.events.map((e) => e.seq)).toEqual([2, 4, 6]);
    const window = (await (
      await api(`/api/v1/projects/${p}/events?since=2026-01-01T00:00:02.000Z&until=2026-01-01T00:00:05.000Z`)
    ).json()) as { events: Array<{ seq: number }> };
    expect(window.events.map((e) => e.seq)).toEqual([3, 4, 5]);
  });

  it("unknown projects are 404", async () => {
    const response = await api(`/api/v1/projects/${newProjectId()}/events`);
    expect(response.status).toBe(404);
  });

  it("an invalid event gets an error frame and is not stored", async () => {
    const p = newProjectId();
    const agent = await connectTestAgent([makeProject(p)]);
    agent.send({ type: "event", event: { ...makeEvent(p, 0), type: "no.such.type" } });
    await agent.next((f) => f.type === "error");
    await sendEvents(agent, [makeEvent(p, 1)]);
    const page = (await (await api(`/api/v1/projects/${p}/events`)).json()) as {
      events: Array<{ payload: { index: number } }>;
    };
    expect(page.events.map((e) => e.payload.index)).toEqual([1]);
  });
});

describe("subscribers", () => {
  it("replay after a seq, then ready, then live events: no gap, no duplicate", async () => {
    const p = newProjectId();
    const agent = await connectTestAgent([makeProject(p)]);
    await sendEvents(
      agent,
      Array.from({ length: 5 }, (_, i) => makeEvent(p, i)),
    );

    const subscriber = await openSocket(`/api/v1/projects/${p}/ws?after=2`, auth(USER_TOKEN));
    const replayed = [await subscriber.next(), await subscriber.next()];
    expect(replayed.map((f) => (f.event as { seq: number }).seq)).toEqual([3, 4]);
    expect((await subscriber.next()).event).toMatchObject({ seq: 5 });
    expect(await subscriber.next()).toMatchObject({ type: "ready", seq: 5 });

    await sendEvents(agent, [makeEvent(p, 5), makeEvent(p, 6)]);
    expect((await subscriber.next()).event).toMatchObject({ seq: 6 });
    expect((await subscriber.next()).event).toMatchObject({ seq: 7 });
    expect(subscriber.frames).toEqual([]);
  });

  it("only receives its own project's events", async () => {
    const [a, b] = [newProjectId(), newProjectId()];
    const agent = await connectTestAgent([makeProject(a), makeProject(b)]);
    const subscriber = await openSocket(`/api/v1/projects/${a}/ws`, auth(USER_TOKEN));
    await subscriber.next((f) => f.type === "ready");
    await sendEvents(agent, [makeEvent(b, 0), makeEvent(a, 0)]);
    const frame = await subscriber.next();
    expect((frame.event as { projectId: string }).projectId).toBe(a);
    expect(subscriber.frames).toEqual([]);
  });

  it("browsers can send the token as a subprotocol", async () => {
    const p = newProjectId();
    await connectTestAgent([makeProject(p)]);
    const subscriber = await openSocket(`/api/v1/projects/${p}/ws`, {
      "sec-websocket-protocol": `att.v1, att.bearer.${USER_TOKEN}`,
    });
    expect(await subscriber.next()).toMatchObject({ type: "ready", seq: 0 });
  });

  it("refuses the agent token, and unknown projects with 404 before upgrading", async () => {
    const refused = await api(`/api/v1/projects/${newProjectId()}/ws`, {
      headers: { ...auth(AGENT_TOKEN), upgrade: "websocket" },
    });
    expect(refused.status).toBe(401);
    const missing = await api(`/api/v1/projects/${newProjectId()}/ws`, { headers: { upgrade: "websocket" } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toBe("application/problem+json");
  });
});
