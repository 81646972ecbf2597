/** What the diff viewer compares, and the code.diff query (GET files/diff) that asks for it. */

export type DiffSource =
  | { kind: "worktree"; path?: string }
  | { kind: "staged"; path?: string }
  | { kind: "commit"; sha: string; subject: string; root: boolean }
  | { kind: "refs"; from: string; to: string };

export interface DiffQuery {
  from?: string;
  to?: string;
  staged?: boolean;
  path?: string;
}

/** The query for a source; null when git has nothing to compare (a repository's first commit). */
export function diffQuery(source: DiffSource): DiffQuery | null {
  switch (source.kind) {
    case "worktree":
      return source.path === undefined ? {} : { path: source.path };
    case "staged":
      return source.path === undefined ? { staged: true } : { staged: true, path: source.path };
    case "commit":
      return source.root ? null : { from: `${source.sha}~1`, to: source.sha };
    case "refs":
      return { from: source.from, to: source.to };
  }
}

/** A short sentence naming what is compared. */
export function describeSource(source: DiffSource): string {
  const only = (path: string | undefined) => (path === undefined ? "" : ` (${path} only)`);
  switch (source.kind) {
    case "worktree":
      return `Working tree vs HEAD${only(source.path)}`;
    case "staged":
      return `Staged changes (index vs HEAD)${only(source.path)}`;
    case "commit":
      return `Commit ${source.sha.slice(0, 7)}: ${source.subject}`;
    case "refs":
      return `${source.from} → ${source.to}`;
  }
}
