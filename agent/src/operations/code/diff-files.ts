/** Turns `git diff --name-status -z` and `--numstat -z` output into the `files` summary. */
import type { DiffFile } from "@att/shared";
import { splitNul } from "./git.ts";

const STATUS_BY_LETTER: Record<string, DiffFile["status"]> = {
  A: "added",
  M: "modified",
  D: "deleted",
  R: "renamed",
  C: "copied",
  T: "type_changed",
};

export function diffFiles(nameStatus: Buffer, numstat: Buffer): DiffFile[] {
  const counts = parseNumstat(numstat);
  return parseNameStatus(nameStatus).map(({ status, path, oldPath }) => {
    const count = counts.get(path);
    return {
      path,
      oldPath,
      status,
      additions: count?.additions ?? 0,
      deletions: count?.deletions ?? 0,
      binary: count?.binary ?? false,
    };
  });
}

interface Named {
  status: DiffFile["status"];
  path: string;
  oldPath: string | null;
}

/** Records are `X\0path\0`, or `R100\0old\0new\0` for renames and copies. */
function parseNameStatus(output: Buffer): Named[] {
  const fields = splitNul(output);
  const named: Named[] = [];
  for (let index = 0; index < fields.length; ) {
    const letter = (fields[index] ?? "").charAt(0);
    const status = STATUS_BY_LETTER[letter] ?? "unknown";
    if (letter === "R" || letter === "C") {
      named.push({ status, oldPath: fields[index + 1] ?? "", path: fields[index + 2] ?? "" });
      index += 3;
    } else {
      named.push({ status, oldPath: null, path: fields[index + 1] ?? "" });
      index += 2;
    }
  }
  return named;
}

interface Count {
  additions: number;
  deletions: number;
  binary: boolean;
}

/** Records are `add\tdel\tpath\0`, or `add\tdel\t\0old\0new\0` for renames; binary files count `-`. */
function parseNumstat(output: Buffer): Map<string, Count> {
  const fields = splitNul(output);
  const counts = new Map<string, Count>();
  for (let index = 0; index < fields.length; ) {
    const [added = "", deleted = "", path = ""] = (fields[index] ?? "").split("\t");
    const binary = added === "-" && deleted === "-";
    const count = { additions: binary ? 0 : Number(added), deletions: binary ? 0 : Number(deleted), binary };
    if (path === "") {
      counts.set(fields[index + 2] ?? "", count);
      index += 3;
    } else {
      counts.set(path, count);
      index += 1;
    }
  }
  return counts;
}
