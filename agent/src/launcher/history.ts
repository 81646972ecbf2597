/**
 * The launcher's memory, `<home>/launcher.json`: the last 50 switches, newest
 * first. It survives a restart of the launcher, which then runs the last
 * commit that was healthy. Written atomically (temp file, then rename).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { SwitchRecord } from "@att/shared";
import { z } from "zod";

const KEEP = 50;
const FileShape = z.object({ version: z.literal(1), history: z.array(SwitchRecord) });

export class History {
  readonly #file: string;
  #records: SwitchRecord[] = [];

  constructor(file: string) {
    this.#file = file;
    if (!existsSync(file)) return;
    const parsed = FileShape.safeParse(JSON.parse(readFileSync(file, "utf8")));
    if (!parsed.success) throw new Error(`${file} is not a launcher history: ${parsed.error.message}`);
    const now = new Date().toISOString();
    // A switch the launcher did not see to its end (it was stopped or died) is over.
    this.#records = parsed.data.history.map((record) =>
      record.state === "preparing" || record.state === "switching"
        ? {
            ...record,
            state: "failed",
            finishedAt: now,
            reason: record.reason ?? "the launcher stopped during the switch",
          }
        : record,
    );
  }

  list(): SwitchRecord[] {
    return this.#records.map((record) => structuredClone(record));
  }

  get(id: string): SwitchRecord | null {
    const found = this.#records.find((record) => record.id === id);
    return found === undefined ? null : structuredClone(found);
  }

  /** The newest switch that ended healthy: what runs (or should run) now. */
  lastHealthy(): SwitchRecord | null {
    return this.#records.find((record) => record.state === "healthy") ?? null;
  }

  /** Adds or replaces `record` and writes the file. */
  save(record: SwitchRecord): void {
    const copy = structuredClone(record);
    const at = this.#records.findIndex((known) => known.id === record.id);
    if (at === -1) this.#records.unshift(copy);
    else this.#records[at] = copy;
    this.#records = this.#records.slice(0, KEEP);
    const temp = `${this.#file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify({ version: 1, history: this.#records }, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.#file);
  }
}
