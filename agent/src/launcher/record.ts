/**
 * A switch's record as it happens: each step is written (and persisted) when
 * it starts and again when it ends, so the API shows where a switch is.
 */
import { randomUUID } from "node:crypto";
import type { SwitchRecord, SwitchState } from "@att/shared";
import type { HoldStats } from "./gate.ts";
import type { History } from "./history.ts";

export function newRecord(options: { fromSha: string | null; toSha: string }): SwitchRecord {
  return {
    id: randomUUID(),
    fromSha: options.fromSha,
    toSha: options.toSha,
    state: "preparing",
    requestedAt: new Date().toISOString(),
    finishedAt: null,
    reason: null,
    revertSha: null,
    steps: [],
    heldRequests: 0,
    maxHoldMs: 0,
  };
}

export class Recorder {
  readonly record: SwitchRecord;
  readonly #history: History;

  constructor(record: SwitchRecord, history: History) {
    this.record = record;
    this.#history = history;
    history.save(record);
  }

  /** Runs one step; its detail is what `describe` says of the result, or the error's first line. */
  async step<T>(
    name: string,
    work: () => Promise<T>,
    describe: (value: T) => string | undefined = () => undefined,
  ): Promise<T> {
    const step: SwitchRecord["steps"][number] = {
      name,
      startedAt: new Date().toISOString(),
      durationMs: null,
      ok: null,
    };
    this.record.steps.push(step);
    this.save();
    const started = performance.now();
    try {
      const value = await work();
      const detail = describe(value);
      Object.assign(step, { ok: true, durationMs: Math.round(performance.now() - started) }, detail ? { detail } : {});
      return value;
    } catch (error) {
      const detail = (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
      Object.assign(step, { ok: false, durationMs: Math.round(performance.now() - started), detail });
      throw error;
    } finally {
      this.save();
    }
  }

  /** A step that is already over when it is written (e.g. the request's own checks). */
  done(name: string, startedAt: Date, detail?: string): void {
    this.record.steps.push({
      name,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      ok: true,
      ...(detail ? { detail } : {}),
    });
    this.save();
  }

  /** Drops the oldest steps beyond `count` (a restart that keeps failing must not grow its record forever). */
  keepLastSteps(count: number): void {
    const extra = this.record.steps.length - count;
    if (extra <= 0) return;
    this.record.steps.splice(0, extra);
    this.save();
  }

  setState(state: SwitchState): void {
    this.record.state = state;
    this.save();
  }

  finish(state: SwitchState, hold: HoldStats | null): void {
    this.record.state = state;
    this.record.finishedAt = new Date().toISOString();
    if (hold !== null) {
      this.record.heldRequests = hold.heldRequests;
      this.record.maxHoldMs = hold.maxHoldMs;
    }
    this.save();
  }

  save(): void {
    this.#history.save(this.record);
  }
}
