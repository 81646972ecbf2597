/**
 * Side-by-side layout of a parsed hunk: context lines sit on both sides, and
 * each run of deletions is paired row by row with the additions that follow
 * it (the longer side leaves blank cells), the way review tools show a change.
 */
import type { DiffHunk, DiffLine } from "./diff.ts";

export interface SplitRow {
  /** The old side (context or deletion); null for a blank cell. */
  left: DiffLine | null;
  /** The new side (context or addition); null for a blank cell. */
  right: DiffLine | null;
}

export function splitRows(hunk: DiffHunk): SplitRow[] {
  const rows: SplitRow[] = [];
  let deleted: DiffLine[] = [];
  let added: DiffLine[] = [];
  const flush = () => {
    const count = Math.max(deleted.length, added.length);
    for (let i = 0; i < count; i += 1) rows.push({ left: deleted[i] ?? null, right: added[i] ?? null });
    deleted = [];
    added = [];
  };
  for (const line of hunk.lines) {
    if (line.kind === "del") {
      // A deletion after additions starts a new change block.
      if (added.length > 0) flush();
      deleted.push(line);
    } else if (line.kind === "add") {
      added.push(line);
    } else {
      flush();
      rows.push({ left: line, right: line });
    }
  }
  flush();
  return rows;
}

/** One row of a file's unified view: a hunk header or a line. */
export type UnifiedRow = { type: "hunk"; hunk: DiffHunk } | { type: "line"; line: DiffLine };

/** One row of a file's side-by-side view: a hunk header or a pair of cells. */
export type SideBySideRow = { type: "hunk"; hunk: DiffHunk } | ({ type: "pair" } & SplitRow);

/** A file's hunks as flat rows, so a view can render (and cap) them in one loop. */
export function unifiedRows(hunks: readonly DiffHunk[]): UnifiedRow[] {
  return hunks.flatMap((hunk): UnifiedRow[] => [
    { type: "hunk", hunk },
    ...hunk.lines.map((line): UnifiedRow => ({ type: "line", line })),
  ]);
}

export function sideBySideRows(hunks: readonly DiffHunk[]): SideBySideRow[] {
  return hunks.flatMap((hunk): SideBySideRow[] => [
    { type: "hunk", hunk },
    ...splitRows(hunk).map((row): SideBySideRow => ({ type: "pair", ...row })),
  ]);
}
