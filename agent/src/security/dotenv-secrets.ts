/**
 * Which values count as secrets: the agent's secret-named environment
 * variables, and the values of the `.env`-style files at the top of each
 * project under the projects root. Those are re-read when they change: the
 * root and each project directory are watched (a change marks the set stale),
 * and every second the files' inode, size and times are compared anyway, in
 * case a watch was lost.
 */
import { type Dirent, type FSWatcher, readdirSync, readFileSync, type Stats, statSync, watch } from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";

const MIN_LENGTH = 8;
/** Without a change notice, the files are still compared this often. */
const FALLBACK_CHECK_MS = 1000;
/** Names that mark a value as secret whatever it looks like. */
export const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|KEY|CREDENTIAL/i;
/** `.env`, `.env.local`, `.env.production`, …; examples and templates hold placeholders only. */
const DOTENV_FILE = /^\.env(\.[\w.-]+)?$/;
const NOT_SECRETS_FILE = /\.(example|sample|template|dist)$/;

/** Values that are never secrets: too short, booleans, numbers. */
function isTrivial(value: string): boolean {
  return (
    value.length < MIN_LENGTH ||
    /^(true|false|yes|no|on|off|null|none|undefined)$/i.test(value) ||
    /^[-+]?\d+(\.\d+)?$/.test(value)
  );
}

/**
 * Values that are plainly not secrets when their name does not say so:
 * single words, text with spaces, paths, host:port, and URLs without
 * credentials or query (blanking these would blank ordinary output).
 */
function looksPublic(value: string): boolean {
  if (/^[A-Za-z]+$/.test(value) || /\s/.test(value)) return true;
  if (/^(~|\.{1,2})?\/[\w.@%+=:,/-]*$/.test(value)) return true;
  if (/^[\w.-]+:\d{1,5}$/.test(value)) return true;
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return /^(https?|wss?):$/.test(url.protocol) && url.username === "" && url.password === "" && url.search === "";
}

/** The secret values among `.env` entries: any non-trivial value of a secret-named key, else the non-public ones. */
export function dotEnvSecretValues(entries: Readonly<Record<string, string>>): string[] {
  const found: string[] = [];
  for (const [name, raw] of Object.entries(entries)) {
    const value = raw.trim();
    if (isTrivial(value)) continue;
    if (SECRET_NAME.test(name) || !looksPublic(value)) found.push(value);
  }
  return found;
}

/** The non-trivial values of the variables whose names look secret (…TOKEN, …KEY, …PASSWORD, …). */
export function secretEnvValues(env: NodeJS.ProcessEnv): string[] {
  const found: string[] = [];
  for (const [name, raw] of Object.entries(env)) {
    const value = raw?.trim() ?? "";
    if (SECRET_NAME.test(name) && !isTrivial(value)) found.push(value);
  }
  return found;
}

interface Seen {
  key: string;
  values: string[];
}

interface Listing {
  key: string;
  names: string[];
}

/** The `.env` secrets of every project directory under one root, kept current. */
export class DotEnvSecrets {
  readonly #root: string;
  #rootListing: Listing = { key: "", names: [] };
  readonly #projectListings = new Map<string, Listing>();
  readonly #files = new Map<string, Seen>();
  readonly #watchers = new Map<string, FSWatcher>();
  #stale = true;
  #checkedAt = 0;

  constructor(root: string) {
    this.#root = root;
  }

  values(): string[] {
    return [...this.#files.values()].flatMap((seen) => seen.values);
  }

  close(): void {
    for (const watcher of this.#watchers.values()) watcher.close();
    this.#watchers.clear();
  }

  /** Re-reads what changed (when told of a change, or once a second); true when the values may differ. */
  refresh(now = Date.now()): boolean {
    if (!this.#stale && now - this.#checkedAt < FALLBACK_CHECK_MS) return false;
    this.#stale = false;
    this.#checkedAt = now;
    let changed = false;
    this.#watch(this.#root, () => true);
    const present = new Set<string>();
    this.#rootListing = listing(
      this.#root,
      this.#rootListing,
      (entry) => entry.isDirectory() && !entry.name.startsWith("."),
    );
    for (const project of this.#rootListing.names) {
      const dir = path.join(this.#root, project);
      const previous = this.#projectListings.get(dir) ?? { key: "", names: [] };
      const files = listing(
        dir,
        previous,
        (entry) => DOTENV_FILE.test(entry.name) && !NOT_SECRETS_FILE.test(entry.name),
      );
      this.#projectListings.set(dir, files);
      this.#watch(dir, (name) => DOTENV_FILE.test(name));
      for (const name of files.names) {
        const file = path.join(dir, name);
        present.add(file);
        if (this.#read(file)) changed = true;
      }
    }
    for (const file of this.#files.keys()) {
      if (!present.has(file)) {
        this.#files.delete(file);
        changed = true;
      }
    }
    for (const dir of this.#projectListings.keys()) {
      if (this.#rootListing.names.includes(path.basename(dir))) continue;
      this.#projectListings.delete(dir);
      this.#watchers.get(dir)?.close();
      this.#watchers.delete(dir);
    }
    return changed;
  }

  /** Marks the set stale when `dir` changes in a way that matters; a failed watch leaves the timed check. */
  #watch(dir: string, matters: (name: string) => boolean): void {
    if (this.#watchers.has(dir)) return;
    try {
      const watcher = watch(dir, { persistent: false }, (_event, name) => {
        if (name === null || matters(String(name))) this.#stale = true;
      });
      watcher.on("error", () => {
        watcher.close();
        this.#watchers.delete(dir);
        this.#stale = true;
      });
      this.#watchers.set(dir, watcher);
    } catch {
      // Gone, or out of watches: the once-a-second comparison still sees changes.
    }
  }

  /** Reads `file` again when it changed; true when it did. */
  #read(file: string): boolean {
    const stats = statOrNull(file);
    const key = stats === null ? "" : changeKey(stats);
    const seen = this.#files.get(file);
    if (seen !== undefined && seen.key === key) return false;
    let values: string[] = [];
    try {
      if (stats?.isFile() === true) values = dotEnvSecretValues(parseDotEnv(readFileSync(file, "utf8")));
    } catch {
      // Unreadable or unparsable: nothing to add.
    }
    this.#files.set(file, { key, values });
    return true;
  }
}

function parseDotEnv(text: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const [name, value] of Object.entries(parseEnv(text))) if (value !== undefined) entries[name] = value;
  return entries;
}

/** The directory's matching entry names, listed again only when the directory changed. */
function listing(dir: string, previous: Listing, keep: (entry: Dirent) => boolean): Listing {
  const stats = statOrNull(dir);
  const key = stats === null ? "" : changeKey(stats);
  if (key === previous.key) return previous;
  try {
    const names = readdirSync(dir, { withFileTypes: true })
      .filter(keep)
      .map((entry) => entry.name);
    return { key, names };
  } catch {
    return { key, names: [] };
  }
}

function changeKey(stats: Stats): string {
  return `${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
}

function statOrNull(file: string): Stats | null {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}
