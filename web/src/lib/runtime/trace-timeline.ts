/**
 * A workflow trace's intermediate steps as timeline rows: each `X_START` is
 * paired with its `X_END` (same category and id) into one span with a start,
 * an end and a duration; an end without its start is placed by its own
 * duration; other steps are instants. Rows are nested under their parent
 * span and carry their offset and width as percentages of the whole trace.
 */
import type { Schemas } from "#lib/api/client.ts";

type Step = Schemas["IntermediateStep"];

export interface TimelineRow {
  key: string;
  /** FUNCTION, LLM, TOOL, WORKFLOW… (the type without _START/_END). */
  category: string;
  type: string;
  name: string | null;
  start: number | null;
  end: number | null;
  durationMs: number | null;
  depth: number;
  /** Left edge and width in percent of the trace; null when the step has no time. */
  offset: number | null;
  width: number | null;
  /** Started but never ended. */
  open: boolean;
  tokens: Step["tokens"];
  steps: Step[];
}

export interface Timeline {
  rows: TimelineRow[];
  start: number | null;
  totalMs: number;
}

const START = "_START";
const END = "_END";
const MAX_DEPTH = 12;

function time(step: Step): number | null {
  if (step.at === null) return null;
  const at = Date.parse(step.at);
  return Number.isNaN(at) ? null : at;
}

function categoryOf(type: string): string {
  if (type.endsWith(START)) return type.slice(0, -START.length);
  if (type.endsWith(END)) return type.slice(0, -END.length);
  return type;
}

/** Pairs the steps into rows, in the order each row began. */
function pair(steps: readonly Step[]): TimelineRow[] {
  const rows: TimelineRow[] = [];
  const openRows = new Map<string, TimelineRow>();
  steps.forEach((step, index) => {
    const category = categoryOf(step.type);
    const at = time(step);
    const pairKey = `${category}:${step.id}`;
    if (step.type.endsWith(START)) {
      const row: TimelineRow = {
        key: `${pairKey}:${index}`,
        category,
        type: step.type,
        name: step.name,
        start: at,
        end: null,
        durationMs: null,
        depth: 0,
        offset: null,
        width: null,
        open: true,
        tokens: null,
        steps: [step],
      };
      openRows.set(pairKey, row);
      rows.push(row);
      return;
    }
    const started = step.type.endsWith(END) ? openRows.get(pairKey) : undefined;
    if (started !== undefined) {
      openRows.delete(pairKey);
      started.open = false;
      started.end = at;
      started.durationMs =
        step.durationMs ?? (at !== null && started.start !== null ? Math.max(0, at - started.start) : null);
      if (started.start === null && at !== null && started.durationMs !== null) started.start = at - started.durationMs;
      started.name ??= step.name;
      started.tokens = step.tokens;
      started.steps.push(step);
      return;
    }
    const isEnd = step.type.endsWith(END);
    const start = isEnd && at !== null && step.durationMs !== null ? at - step.durationMs : at;
    rows.push({
      key: `${pairKey}:${index}`,
      category,
      type: step.type,
      name: step.name,
      start,
      end: isEnd ? at : start,
      durationMs: isEnd ? step.durationMs : null,
      depth: 0,
      offset: null,
      width: null,
      open: false,
      tokens: step.tokens,
      steps: [step],
    });
  });
  return rows;
}

/** Depth by parent id: a row whose parent is another row's step id sits under it. */
function nest(rows: TimelineRow[]): void {
  const byStepId = new Map<string, TimelineRow>();
  for (const row of rows) {
    const id = row.steps[0]?.id;
    if (id !== undefined && id !== "" && !byStepId.has(id)) byStepId.set(id, row);
  }
  for (const row of rows) {
    let depth = 0;
    let parentId = row.steps[0]?.parentId ?? null;
    const seen = new Set<string>();
    while (parentId !== null && depth < MAX_DEPTH && !seen.has(parentId)) {
      seen.add(parentId);
      const parent = byStepId.get(parentId);
      if (parent === undefined || parent === row) break;
      depth += 1;
      parentId = parent.steps[0]?.parentId ?? null;
    }
    row.depth = depth;
  }
}

export function buildTimeline(steps: readonly Step[], traceDurationMs: number | null = null): Timeline {
  const rows = pair(steps);
  nest(rows);
  const times = rows.flatMap((row) => [row.start, row.end]).filter((t): t is number => t !== null);
  if (times.length === 0) return { rows, start: null, totalMs: traceDurationMs ?? 0 };
  const start = Math.min(...times);
  const end = Math.max(...times);
  const totalMs = Math.max(end - start, 0);
  for (const row of rows) {
    if (row.start === null) continue;
    const rowEnd = row.end ?? (row.open ? end : row.start);
    row.offset = totalMs > 0 ? ((row.start - start) / totalMs) * 100 : 0;
    row.width = totalMs > 0 ? ((rowEnd - row.start) / totalMs) * 100 : 100;
  }
  return { rows, start, totalMs };
}
