/** The agent's durable state on a real SQLite file: outbox order and acks, stored answers. */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AgentEvent } from "@att/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type OpenedDb, openAgentDb } from "../src/state/db.ts";
import { agentId } from "../src/state/meta.ts";
import { Outbox } from "../src/state/outbox.ts";
import { ResponseStore } from "../src/state/responses.ts";

let dir: string;
let opened: OpenedDb;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "att-agent-state-"));
  opened = openAgentDb(dir);
});
afterEach(() => {
  opened.close();
  rmSync(dir, { recursive: true, force: true });
});

const event = (index: number): AgentEvent => ({
  id: crypto.randomUUID(),
  projectId: "p1",
  type: "diagnostic",
  payload: { index },
  timestamp: new Date().toISOString(),
  actor: "agent",
});

describe("Outbox", () => {
  it("returns events in the order queued, after a cursor, and forgets acknowledged ones", () => {
    const outbox = new Outbox(opened.db);
    const events = Array.from({ length: 5 }, (_, i) => event(i));
    outbox.enqueue(events);
    const all = outbox.after(0, 10);
    expect(all.map((e) => e.event)).toEqual(events);
    expect(outbox.after(all[1]?.seq ?? 0, 2).map((e) => e.event.payload.index)).toEqual([2, 3]);
    outbox.acknowledge(events[0]?.id ?? "");
    expect(outbox.size()).toBe(4);
  });

  it("survives closing and reopening the database (a restart)", () => {
    new Outbox(opened.db).enqueue([event(0), event(1)]);
    opened.close();
    opened = openAgentDb(dir);
    expect(new Outbox(opened.db).size()).toBe(2);
  });

  it("queues a burst atomically: a duplicate id rolls the whole burst back", () => {
    const outbox = new Outbox(opened.db);
    const first = event(0);
    outbox.enqueue([first]);
    expect(() => outbox.enqueue([event(1), first])).toThrow();
    expect(outbox.size()).toBe(1);
  });
});

describe("ResponseStore", () => {
  it("keeps answers until acknowledged, and still finds them afterwards for dedup", () => {
    const store = new ResponseStore(opened.db);
    store.save("r1", '{"a":1}');
    store.save("r2", '{"b":2}');
    store.save("r1", '{"a":"ignored"}');
    expect(store.unacknowledged()).toEqual(['{"a":1}', '{"b":2}']);
    store.acknowledge("r1");
    expect(store.unacknowledged()).toEqual(['{"b":2}']);
    expect(store.find("r1")).toBe('{"a":1}');
  });
});

describe("agentId", () => {
  it("is generated once and stable", () => {
    const id = agentId(opened.db);
    expect(id).toMatch(/^agent-[0-9a-f-]{36}$/);
    expect(agentId(opened.db)).toBe(id);
  });
});
