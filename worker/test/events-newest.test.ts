/** The newest events without replaying a project's history: `order=desc` pages and the socket's `tail`. */
import { describe, expect, it } from "vitest";
import { api, auth, connectTestAgent, makeEvent, makeProject, openSocket, sendEvents, USER_TOKEN } from "./helpers.ts";

const newProjectId = () => `p-${crypto.randomUUID()}`;

interface Page {
  events: Array<{ seq: number; type: string }>;
  nextAfter: number;
  hasMore: boolean;
}

async function page(
  projectId: string,
  query: string,
): Promise<{ seqs: number[]; nextAfter: number; hasMore: boolean }> {
  const response = await api(`/api/v1/projects/${projectId}/events?${query}`);
  expect(response.status, query).toBe(200);
  const body = (await response.json()) as Page;
  return { seqs: body.events.map((event) => event.seq), nextAfter: body.nextAfter, hasMore: body.hasMore };
}

/** A project with `count` events: even indexes `diagnostic`, odd `git.commit`, one second apart from 2026-01-01. */
async function projectWithEvents(count: number) {
  const projectId = newProjectId();
  const agent = await connectTestAgent([makeProject(projectId)]);
  const events = Array.from({ length: count }, (_, i) => ({
    ...makeEvent(projectId, i),
    type: i % 2 === 0 ? ("diagnostic" as const) : ("git.commit" as const),
    timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  }));
  expect(await sendEvents(agent, events)).toEqual(events.map((_, i) => i + 1));
  return { projectId, agent };
}

describe("GET events with order=desc", () => {
  it("pages from the newest backwards with `before`; hasMore says older ones remain", async () => {
    const { projectId } = await projectWithEvents(9);
    expect(await page(projectId, "order=desc&limit=3")).toEqual({ seqs: [9, 8, 7], nextAfter: 9, hasMore: true });
    expect(await page(projectId, "order=desc&limit=3&before=7")).toEqual({
      seqs: [6, 5, 4],
      nextAfter: 6,
      hasMore: true,
    });
    expect(await page(projectId, "order=desc&limit=3&before=4")).toEqual({
      seqs: [3, 2, 1],
      nextAfter: 3,
      hasMore: false,
    });
    expect(await page(projectId, "order=desc&before=1")).toEqual({ seqs: [], nextAfter: 0, hasMore: false });
    // The default stays oldest first.
    expect(await page(projectId, "limit=2")).toEqual({ seqs: [1, 2], nextAfter: 2, hasMore: true });
    expect(await page(projectId, "order=asc&limit=2&before=3")).toEqual({ seqs: [1, 2], nextAfter: 2, hasMore: false });
  });

  it("respects type, since/until and after", async () => {
    const { projectId } = await projectWithEvents(9);
    expect(await page(projectId, "order=desc&type=git.commit&limit=2")).toEqual({
      seqs: [8, 6],
      nextAfter: 8,
      hasMore: true,
    });
    expect(await page(projectId, "order=desc&type=git.commit&limit=2&before=6")).toEqual({
      seqs: [4, 2],
      nextAfter: 4,
      hasMore: false,
    });
    expect(await page(projectId, "order=desc&type=diagnostic&type=git.commit&limit=1")).toMatchObject({ seqs: [9] });
    const window = "since=2026-01-01T00:00:02.000Z&until=2026-01-01T00:00:06.000Z";
    expect(await page(projectId, `order=desc&${window}`)).toEqual({ seqs: [6, 5, 4, 3], nextAfter: 6, hasMore: false });
    expect(await page(projectId, `order=desc&${window}&limit=3`)).toMatchObject({ seqs: [6, 5, 4], hasMore: true });
    // `after` still means seq > after: the newest events above it, and no more once it is reached.
    expect(await page(projectId, "order=desc&after=5&limit=2")).toEqual({ seqs: [9, 8], nextAfter: 9, hasMore: true });
    expect(await page(projectId, "order=desc&after=5&limit=2&before=8")).toEqual({
      seqs: [7, 6],
      nextAfter: 7,
      hasMore: false,
    });
    expect(await page(projectId, "order=desc&after=9")).toEqual({ seqs: [], nextAfter: 9, hasMore: false });
  });

  it("refuses an unknown order and a zero `before`", async () => {
    const { projectId } = await projectWithEvents(1);
    for (const query of ["order=newest", "before=0"]) {
      const response = await api(`/api/v1/projects/${projectId}/events?${query}`);
      expect(response.status, query).toBe(422);
      expect(((await response.json()) as { code: string }).code).toBe("validation_failed");
    }
  });
});

describe("the event socket with tail", () => {
  const seqOf = (frame: { [key: string]: unknown }) => (frame.event as { seq: number }).seq;

  it("replays only the newest `tail` events in ascending order, then ready, then live events", async () => {
    const { projectId, agent } = await projectWithEvents(6);
    const subscriber = await openSocket(`/api/v1/projects/${projectId}/ws?tail=2`, auth(USER_TOKEN));
    expect(seqOf(await subscriber.next())).toBe(5);
    expect(seqOf(await subscriber.next())).toBe(6);
    expect(await subscriber.next()).toMatchObject({ type: "ready", projectId, seq: 6 });
    await sendEvents(agent, [makeEvent(projectId, 6)]);
    expect(seqOf(await subscriber.next())).toBe(7);
    expect(subscriber.frames).toEqual([]);
  });

  it("combines with after, and replays everything there is when tail is larger", async () => {
    const { projectId } = await projectWithEvents(6);
    const subscriber = await openSocket(`/api/v1/projects/${projectId}/ws?after=3&tail=1000`, auth(USER_TOKEN));
    const replayed = [await subscriber.next(), await subscriber.next(), await subscriber.next()];
    expect(replayed.map(seqOf)).toEqual([4, 5, 6]);
    expect(await subscriber.next()).toMatchObject({ type: "ready", seq: 6 });
  });

  it("tail=0 replays nothing but still streams live events", async () => {
    const { projectId, agent } = await projectWithEvents(4);
    const subscriber = await openSocket(`/api/v1/projects/${projectId}/ws?tail=0`, auth(USER_TOKEN));
    // The very first frame is ready, carrying the newest seq so a later resume has no gap.
    expect(await subscriber.next()).toMatchObject({ type: "ready", projectId, seq: 4 });
    await sendEvents(agent, [makeEvent(projectId, 4), makeEvent(projectId, 5)]);
    expect(seqOf(await subscriber.next())).toBe(5);
    expect(seqOf(await subscriber.next())).toBe(6);
    expect(subscriber.frames).toEqual([]);
  });

  it("tail=0 on a project without events is ready at seq 0", async () => {
    const projectId = newProjectId();
    const agent = await connectTestAgent([makeProject(projectId)]);
    const subscriber = await openSocket(`/api/v1/projects/${projectId}/ws?tail=0`, auth(USER_TOKEN));
    expect(await subscriber.next()).toMatchObject({ type: "ready", seq: 0 });
    await sendEvents(agent, [makeEvent(projectId, 0)]);
    expect(seqOf(await subscriber.next())).toBe(1);
  });

  it("refuses a tail above 1000 before upgrading", async () => {
    const { projectId } = await projectWithEvents(1);
    const response = await api(`/api/v1/projects/${projectId}/ws?tail=1001`, { headers: { upgrade: "websocket" } });
    expect(response.status).toBe(422);
  });
});
