/**
 * The terminal's allow-list: the programs a remote caller may start through
 * `terminal.run`, as the machine's owner configured them on this machine.
 * First found wins: `ATT_TERMINAL_ALLOW` (comma-separated), then
 * `terminal.allow` in `<agent state dir>/agent.json` (read at every run, so an
 * edit applies at once), then the default. An entry is a program name, an
 * exact path, `default` (the built-in list) or `*` (any program: no check).
 *
 * The default depends on who can reach the terminal. With the control plane on
 * this machine (a loopback ATT_SERVER: `npm start`), the only remote caller is
 * the owner's own browser, so any program is allowed, as in a local shell.
 * With a control plane elsewhere (hosted, shared by many users), only the
 * built-in list: the owner opts in to more.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";

/**
 * Programs that only read, print or create empty files and directories,
 * and start no other program. Interpreters, package managers and tools that
 * run code they are given (git, npm, node, python, nat, make, find, xargs,
 * sed, awk, sh) are for the owner to add.
 */
export const DEFAULT_PROGRAMS: readonly string[] = [
  "basename",
  "cat",
  "cmp",
  "cut",
  "date",
  "df",
  "diff",
  "dirname",
  "du",
  "env",
  "file",
  "grep",
  "head",
  "id",
  "ls",
  "md5sum",
  "mkdir",
  "printenv",
  "readlink",
  "realpath",
  "seq",
  "sha256sum",
  "sleep",
  "stat",
  "tail",
  "touch",
  "tr",
  "uname",
  "wc",
  "which",
  "whoami",
];

/** Shell builtins that start nothing: allowed whatever the list says (`cd` and `read` have their own checks). */
export const SAFE_BUILTINS: ReadonlySet<string> = new Set([
  ":",
  "[",
  "break",
  "cd",
  "continue",
  "echo",
  "exit",
  "false",
  "printf",
  "pwd",
  "read",
  "shift",
  "test",
  "true",
  "wait",
]);

export interface TerminalAllowList {
  /** `*`: the owner allows any command; nothing is checked. */
  any: boolean;
  programs: ReadonlySet<string>;
  /** Where the list came from, for messages. */
  source: string;
}

const ENTRY = /^(\*|[A-Za-z0-9_.+-]+|[A-Za-z0-9_.+~/-]*\/[A-Za-z0-9_.+/-]+)$/;

/** Entries that are neither a program name, a path, `default` nor `*`. */
export function invalidAllowEntries(entries: readonly string[]): string[] {
  return entries.filter((entry) => !ENTRY.test(entry));
}

/** `ATT_TERMINAL_ALLOW`'s entries (commas or spaces between them); null when unset or empty. */
export function parseAllowVariable(value: string | undefined): string[] | null {
  const entries = (value ?? "").split(/[\s,]+/).filter((entry) => entry !== "");
  return entries.length === 0 ? null : entries;
}

export function allowList(entries: readonly string[], source: string): TerminalAllowList {
  const programs = new Set<string>();
  for (const entry of entries) {
    if (entry === "default") for (const name of DEFAULT_PROGRAMS) programs.add(name);
    else programs.add(entry);
  }
  return { any: programs.has("*"), programs, source };
}

export function agentConfigFile(stateDir: string): string {
  return path.join(stateDir, "agent.json");
}

const AgentFile = z.object({ terminal: z.object({ allow: z.array(z.string()) }).optional() });

/** Thrown when agent.json cannot be used: the terminal refuses everything until it is fixed. */
export class AllowListUnreadable extends Error {}

/** Whether the control plane runs on this machine (its URL names a loopback host). */
export function isLocalServer(server: string): boolean {
  const host = new URL(server).hostname;
  return host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function defaultList(server: string): TerminalAllowList {
  return isLocalServer(server)
    ? allowList(["*"], "the default for a control plane on this machine")
    : allowList(["default"], "the default list for a remote control plane");
}

export async function loadAllowList(options: {
  terminalAllow: readonly string[] | null;
  stateDir: string;
  server: string;
}): Promise<TerminalAllowList> {
  if (options.terminalAllow !== null) return allowList(options.terminalAllow, "ATT_TERMINAL_ALLOW");
  const file = agentConfigFile(options.stateDir);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return defaultList(options.server);
    throw new AllowListUnreadable(`${file} cannot be read: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AllowListUnreadable(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = AgentFile.safeParse(json);
  if (!parsed.success) throw new AllowListUnreadable(`${file} does not match {"terminal": {"allow": [...]}}`);
  const entries = parsed.data.terminal?.allow;
  if (entries === undefined) return defaultList(options.server);
  const invalid = invalidAllowEntries(entries);
  if (invalid.length > 0)
    throw new AllowListUnreadable(`${file} has invalid terminal.allow entries: ${invalid.join(", ")}`);
  return allowList(entries, file);
}

/** What the machine's owner does to allow `program`. */
export function howToAllow(program: string, options: { stateDir: string }): string {
  return (
    `to allow it, the machine's owner adds '${program}' on the agent's machine: ` +
    `ATT_TERMINAL_ALLOW=default,${program} in the agent's environment, or ` +
    `{"terminal": {"allow": ["default", "${program}"]}} in ${agentConfigFile(options.stateDir)}`
  );
}
