/**
 * The cheapest real producer of a log stream: a terminal command (a Node
 * one-liner, so no extra tool is needed) printing `line 1` .. `line N` at a
 * steady pace, whose output reaches subscribers as `terminal.output` events.
 * Helpers read the lines back from the events, to check none is lost,
 * doubled or out of order; and a seeded random generator, so a fault run
 * can be replayed.
 */
import type { StoredEvent } from "@att/shared";

/** A `terminal.run` command printing `lines` numbered lines over about `durationMs`. */
export function lineProducerCommand(options: { lines: number; durationMs: number }): string {
  const { lines, durationMs } = options;
  const perTick = 25;
  const tickMs = Math.max(1, Math.round((durationMs * perTick) / lines));
  const script = `let i=0;const t=setInterval(()=>{let s="";for(let k=0;k<${perTick}&&i<${lines};k++){i++;s+="line "+i+"\\n"}process.stdout.write(s);if(i>=${lines})clearInterval(t)},${tickMs})`;
  return `'${process.execPath}' -e '${script}'`;
}

/** The numbered lines, in the order received, of one run's `terminal.output` events. */
export function linesOf(events: readonly StoredEvent[], runId: string): string[] {
  return outputOf(events, runId)
    .join("")
    .split("\n")
    .filter((line) => line !== "");
}

/** How many lines have arrived so far (cheap enough to ask often). */
export function lineCount(events: readonly StoredEvent[], runId: string): number {
  let count = 0;
  for (const text of outputOf(events, runId)) for (const char of text) if (char === "\n") count += 1;
  return count;
}

function outputOf(events: readonly StoredEvent[], runId: string): string[] {
  return events
    .filter((event) => event.type === "terminal.output" && event.payload.runId === runId)
    .map((event) => String(event.payload.text));
}

/** mulberry32: a small seeded generator of numbers in [0, 1). */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
