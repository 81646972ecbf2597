/**
 * Finds errors in an app's output as it arrives, one line at a time: Python
 * tracebacks (frames, the final `Type: message`, chained exceptions joined
 * by "The above exception was the direct cause ..." or "During handling of
 * the above exception ...") and NAT's own error lines
 * (`<time> - ERROR - nat.logger:12 - message` with its unprefixed follow-up
 * lines, and the CLI's `Error: ...`). Pure: the caller decides when output
 * has gone quiet and calls `end()`.
 */
import type { TracebackFrameShape } from "./types.ts";

export interface ParsedException {
  type: string;
  message: string;
  frames: TracebackFrameShape[];
}

export interface Finding<R> {
  source: "runtime" | "nat";
  /** The exception raised last (a traceback's final one), or the NAT message. */
  error: ParsedException;
  /** Chained exceptions, the direct cause (or context) of `error` first. */
  causes: (ParsedException & { relation: "cause" | "context" })[];
  /** The line the error starts on. */
  ref: R;
}

const TRACEBACK = /Traceback \(most recent call last\):\s*$/;
const FRAME = /^\s+File "(.+)", line (\d+)(?:, in (.+))?\s*$/;
const CARETS = /^\s*[~^]+\s*$/;
const EXCEPTION = /^([A-Za-z_][\w.]*)(?::\s?(.*))?$/;
const CAUSE = "The above exception was the direct cause of the following exception:";
const CONTEXT = "During handling of the above exception, another exception occurred:";
/** A line some logger wrote: NAT's timestamped format, or `LEVEL:` first (uvicorn). */
const LOGGED = /^(?:\d{4}-\d{2}-\d{2}[ T][\d:.,]+\s+-\s|(?:DEBUG|INFO|WARNING|ERROR|CRITICAL):)/;
const NAT_ERROR = /^\d{4}-\d{2}-\d{2}[ T][\d:.,]+\s+-\s+(?:ERROR|CRITICAL)\s+-\s+([\w.]+?)(?::\d+)?\s+-\s(.*)$/;
const CLI_ERROR = /^Error: (.+)$/;

const MAX_MESSAGE_LINES = 40;
const MAX_MESSAGE_CHARS = 4000;
const MAX_FRAMES = 200;

type State = "idle" | "frames" | "message" | "chain" | "nat";

export class ErrorParser<R> {
  #state: State = "idle";
  #ref: R | null = null;
  /** Exceptions of the current traceback in printed order, each with how it leads to the next. */
  #chain: (ParsedException & { relation: "cause" | "context" | null })[] = [];
  #current: ParsedException | null = null;
  #expectCode = false;
  #messageLines = 0;
  #blankSeen = false;

  /** Whether an error is being read (so `end()` would produce it). */
  get busy(): boolean {
    return this.#state !== "idle";
  }

  /** Reads one line; returns the errors that this line completed. */
  feed(line: string, ref: R): Finding<R>[] {
    const found: Finding<R>[] = [];
    this.#step(line, ref, found);
    return found;
  }

  /** The output went quiet or ended: completes what is being read. */
  end(): Finding<R>[] {
    const found: Finding<R>[] = [];
    this.#finish(found);
    return found;
  }

  #step(line: string, ref: R, found: Finding<R>[]): void {
    switch (this.#state) {
      case "idle":
        this.#idle(line, ref);
        return;
      case "frames":
        this.#frames(line, ref, found);
        return;
      case "message":
        this.#message(line, ref, found);
        return;
      case "chain":
        this.#chained(line, ref, found);
        return;
      case "nat":
        this.#nat(line, ref, found);
        return;
    }
  }

  #idle(line: string, ref: R): void {
    if (TRACEBACK.test(line)) {
      this.#ref = ref;
      this.#chain = [];
      this.#beginException();
      return;
    }
    const nat = NAT_ERROR.exec(line);
    const message = nat?.[2]?.trim() ?? CLI_ERROR.exec(line)?.[1]?.trim();
    // Headings ("...components:") and their "- item" lines are parts of a listing, not errors.
    if (message === undefined || message === "" || message.endsWith(":") || message.startsWith("- ")) return;
    this.#ref = ref;
    this.#current = { type: nat?.[1] ?? "nat.cli", message, frames: [] };
    this.#messageLines = 1;
    this.#state = "nat";
  }

  #beginException(): void {
    this.#current = { type: "", message: "", frames: [] };
    this.#expectCode = false;
    this.#state = "frames";
  }

  #frames(line: string, ref: R, found: Finding<R>[]): void {
    const current = this.#current;
    if (current === null) {
      this.#reset();
      return;
    }
    const frame = FRAME.exec(line);
    if (frame !== null) {
      if (current.frames.length < MAX_FRAMES) {
        current.frames.push({
          file: frame[1] ?? "",
          line: Number(frame[2]),
          function: frame[3]?.trim() ?? null,
          code: null,
        });
      }
      this.#expectCode = true;
      return;
    }
    if (line.trim() === "" || CARETS.test(line)) return;
    if (/^\s/.test(line)) {
      const last = current.frames.at(-1);
      if (this.#expectCode && last !== undefined) last.code = line.trim();
      this.#expectCode = false;
      return;
    }
    const exception = LOGGED.test(line) ? null : EXCEPTION.exec(line);
    if (exception === null) {
      // Not a traceback after all (or cut short): keep what the chain already holds.
      this.#current = null;
      this.#finish(found);
      this.#step(line, ref, found);
      return;
    }
    current.type = exception[1] ?? "";
    current.message = exception[2] ?? "";
    this.#messageLines = 1;
    this.#blankSeen = false;
    this.#state = "message";
  }

  #message(line: string, ref: R, found: Finding<R>[]): void {
    const current = this.#current;
    if (current === null) {
      this.#reset();
      return;
    }
    const text = line.trim();
    if (text === CAUSE || text === CONTEXT) {
      this.#chain.push({ ...current, relation: text === CAUSE ? "cause" : "context" });
      this.#current = null;
      this.#state = "chain";
      return;
    }
    if (text === "") {
      this.#blankSeen = true;
      return;
    }
    if (this.#blankSeen || TRACEBACK.test(line) || LOGGED.test(line)) {
      this.#finish(found);
      this.#step(line, ref, found);
      return;
    }
    this.#append(current, line);
  }

  #chained(line: string, ref: R, found: Finding<R>[]): void {
    if (line.trim() === "") return;
    if (TRACEBACK.test(line)) {
      this.#beginException();
      return;
    }
    this.#finish(found);
    this.#step(line, ref, found);
  }

  #nat(line: string, ref: R, found: Finding<R>[]): void {
    const current = this.#current;
    if (current === null) {
      this.#reset();
      return;
    }
    if (line.trim() === "" || LOGGED.test(line) || TRACEBACK.test(line)) {
      this.#finish(found);
      this.#step(line, ref, found);
      return;
    }
    this.#append(current, line);
  }

  #append(current: ParsedException, line: string): void {
    if (this.#messageLines >= MAX_MESSAGE_LINES || current.message.length >= MAX_MESSAGE_CHARS) return;
    current.message = `${current.message}\n${line}`.slice(0, MAX_MESSAGE_CHARS);
    this.#messageLines += 1;
  }

  #finish(found: Finding<R>[]): void {
    const ref = this.#ref;
    const source = this.#state === "nat" ? "nat" : "runtime";
    const printed = [...this.#chain];
    if (this.#current !== null && this.#current.type !== "") printed.push({ ...this.#current, relation: null });
    this.#reset();
    const last = printed.pop();
    if (ref === null || last === undefined) return;
    const { relation: _none, ...error } = last;
    const causes = printed.reverse().map((e) => ({ ...e, relation: e.relation ?? "context" }));
    found.push({ source, error, causes, ref });
  }

  #reset(): void {
    this.#state = "idle";
    this.#ref = null;
    this.#chain = [];
    this.#current = null;
    this.#expectCode = false;
    this.#messageLines = 0;
    this.#blankSeen = false;
  }
}
