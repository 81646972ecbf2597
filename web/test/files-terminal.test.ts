/**
 * The project terminal's logic: reading terminal.output/terminal.exit
 * payloads (malformed ones dropped), the arrow-key history, the exit
 * summary and the stored history.
 */
import { describe, expect, it } from "vitest";
import {
  emptyHistory,
  exitSummary,
  HISTORY_LIMIT,
  type History,
  newer,
  older,
  parseStoredHistory,
  parseTerminalExit,
  parseTerminalOutput,
  remember,
  succeeded,
} from "../src/lib/files/terminal.ts";

const RUN = "3b241101-e2bb-4255-8caf-4136c566a962";

describe("payloads", () => {
  it("reads output and exit events and drops malformed ones", () => {
    expect(parseTerminalOutput({ runId: RUN, stream: "stderr", text: "oops\n" })).toEqual({
      runId: RUN,
      stream: "stderr",
      text: "oops\n",
    });
    expect(parseTerminalOutput({ runId: RUN, stream: "tty", text: "x" })).toBeNull();
    expect(parseTerminalOutput({ runId: RUN, stream: "stdout" })).toBeNull();
    const exit = { runId: RUN, exitCode: 2, signal: null, timedOut: false, durationMs: 15 };
    expect(parseTerminalExit(exit)).toEqual(exit);
    expect(parseTerminalExit({ ...exit, exitCode: "2" })).toMatchObject({ exitCode: null });
    expect(parseTerminalExit({ ...exit, timedOut: "no" })).toBeNull();
    expect(parseTerminalExit({ ...exit, durationMs: 1.5 })).toBeNull();
  });

  it("summarises how a command ended", () => {
    const base = { runId: RUN, signal: null, timedOut: false, durationMs: 12 };
    expect(exitSummary({ ...base, exitCode: 0 })).toBe("exit 0 · 12 ms");
    expect(succeeded({ ...base, exitCode: 0 })).toBe(true);
    expect(exitSummary({ ...base, exitCode: 127 })).toBe("exit 127 · 12 ms");
    expect(succeeded({ ...base, exitCode: 127 })).toBe(false);
    expect(exitSummary({ ...base, exitCode: null, signal: "SIGKILL", durationMs: 3200 })).toBe(
      "ended by SIGKILL · 3.2 s",
    );
    const timedOut = { ...base, exitCode: null, signal: "SIGTERM", timedOut: true, durationMs: 10_000 };
    expect(exitSummary(timedOut)).toBe("timed out, ended by SIGTERM · 10.0 s");
    expect(succeeded(timedOut)).toBe(false);
  });
});

describe("history", () => {
  const walk = (history: History, keys: string, typed = "") => {
    let state = { history, value: typed };
    const seen: string[] = [];
    for (const key of keys) {
      state = key === "u" ? older(state.history, state.value) : newer(state.history, state.value);
      seen.push(state.value);
    }
    return seen;
  };

  it("walks back and forth like a shell, restoring what was being typed", () => {
    let history = emptyHistory();
    for (const command of ["ls", "echo hello", "git status"]) history = remember(history, command);
    expect(walk(history, "uuuu", "pyt")).toEqual(["git status", "echo hello", "ls", "ls"]);
    expect(walk(history, "uudd", "pyt")).toEqual(["git status", "echo hello", "git status", "pyt"]);
    expect(walk(history, "d", "pyt")).toEqual(["pyt"]);
  });

  it("skips blanks and repeats and keeps the newest entries", () => {
    let history = emptyHistory(["a", "  "]);
    history = remember(history, " ls ");
    history = remember(history, "ls");
    history = remember(history, "   ");
    expect(history.entries).toEqual(["a", "ls"]);
    for (let i = 0; i < HISTORY_LIMIT + 5; i += 1) history = remember(history, `cmd ${i}`);
    expect(history.entries).toHaveLength(HISTORY_LIMIT);
    expect(history.entries.at(-1)).toBe(`cmd ${HISTORY_LIMIT + 4}`);
    expect(history.position).toBe(HISTORY_LIMIT);
  });

  it("reads only a stored list of strings", () => {
    expect(parseStoredHistory('["ls", 3, "pwd"]')).toEqual(["ls", "pwd"]);
    expect(parseStoredHistory('{"a": 1}')).toEqual([]);
    expect(parseStoredHistory("not json")).toEqual([]);
    expect(parseStoredHistory(null)).toEqual([]);
  });
});
