/**
 * Watches one app run's output for errors: a parser per stream (stdout and
 * stderr interleave, a traceback does not), and a quiet-period check that
 * completes an error once its stream has said nothing for `idleMs` (Python
 * prints a traceback in one go, so a short pause means it is complete).
 */

import type { AgentDb } from "../../../state/db.ts";
import type { StoredLine } from "../../logs/store-types.ts";
import { fingerprint } from "./fingerprint.ts";
import { ErrorParser, type Finding } from "./parser.ts";
import { recordError } from "./store.ts";

type Ref = Pick<StoredLine, "cursor" | "at">;

export class ErrorTracker {
  readonly #db: AgentDb;
  readonly #projectId: string;
  readonly #idleMs: number;
  readonly #parsers = { stdout: new ErrorParser<Ref>(), stderr: new ErrorParser<Ref>() };
  #lastLineAt = 0;
  #timer: NodeJS.Timeout | null = null;

  constructor(options: { db: AgentDb; projectId: string; idleMs?: number }) {
    this.#db = options.db;
    this.#projectId = options.projectId;
    this.#idleMs = options.idleMs ?? 250;
  }

  feed(line: StoredLine): void {
    if (line.stream === "att") return;
    this.#record(this.#parsers[line.stream].feed(line.text, { cursor: line.cursor, at: line.at }));
    this.#lastLineAt = Date.now();
    if (this.#timer === null && this.#busy()) this.#arm(this.#idleMs);
  }

  /** The output ended (the app exited): completes whatever is being read. */
  end(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    for (const parser of Object.values(this.#parsers)) this.#record(parser.end());
  }

  #busy(): boolean {
    return this.#parsers.stdout.busy || this.#parsers.stderr.busy;
  }

  // One timer at a time, re-armed for the remainder, rather than one per line of a burst.
  #arm(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = null;
      const quietFor = Date.now() - this.#lastLineAt;
      if (quietFor >= this.#idleMs) this.end();
      else if (this.#busy()) this.#arm(this.#idleMs - quietFor);
    }, delayMs);
    this.#timer.unref();
  }

  #record(findings: Finding<Ref>[]): void {
    for (const finding of findings) {
      recordError(
        this.#db,
        this.#projectId,
        {
          fingerprint: fingerprint(finding),
          type: finding.error.type,
          message: finding.error.message,
          frames: finding.error.frames,
          causes: finding.causes,
          source: finding.source,
        },
        { at: finding.ref.at, logCursor: finding.ref.cursor },
      );
    }
  }
}
