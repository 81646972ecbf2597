/**
 * The terminal's gate. A command runs only when every program it would start
 * is allowed (terminal-allow.ts), wherever it stands (after `FOO=1`, behind
 * `env`/`nice`/`timeout`, inside `$(…)`), it sets no variable that steers the
 * shell or the loader (PATH, IFS, LD_PRELOAD, …), and what it writes through
 * redirections, and where it `cd`s, stays inside the project and out of
 * `.git` (symlinks followed). Anything the reader cannot follow is refused.
 */
import { realpathSync } from "node:fs";
import path from "node:path";
import { OperationError } from "../operations/errors.ts";
import { resolveInProject } from "../operations/jail.ts";
import { readShell, ShellSyntaxRefused, type SimpleCommand, type Word } from "./shell-words.ts";
import { howToAllow, SAFE_BUILTINS, type TerminalAllowList } from "./terminal-allow.ts";

/** Variables that change which program runs, or what the shell or the dynamic loader does. */
export const STEERING_VARIABLE =
  /^(PATH|IFS|ENV|BASH_ENV|CDPATH|PS4|SHELLOPTS|BASHOPTS|GLOBIGNORE|LD_.*|DYLD_.*|BASH_FUNC_.*)$/;
const DEVICES = new Set(["/dev/null", "/dev/stdout", "/dev/stderr"]);
const MAX_DIRECTORIES = 32;

/** Why a command is refused; `program` is set when adding it to the allow-list would help. */
export class CommandRefused extends Error {
  readonly program: string | null;
  constructor(reason: string, program: string | null = null) {
    super(reason);
    this.program = program;
  }
}

export interface Judged {
  /** Redirection targets that write, relative to the directory they are written from. */
  writes: string[];
  /** `cd` targets, in order. */
  directories: string[];
}

interface Context extends Judged {
  list: TerminalAllowList;
  bashLike: boolean;
}

/** Where `/bin/sh` is bash, zsh or ksh, arithmetic and a few builtins evaluate variables as code. */
export function shellIsBashLike(): boolean {
  try {
    const shell = path.basename(realpathSync("/bin/sh"));
    return !(shell.includes("dash") || shell.includes("busybox"));
  } catch {
    return true;
  }
}

/** Judges `command` against the list; throws CommandRefused. */
export function judgeCommand(command: string, list: TerminalAllowList, options: { bashLike: boolean }): Judged {
  const context: Context = { list, bashLike: options.bashLike, writes: [], directories: [] };
  if (list.any) return context;
  let reading: ReturnType<typeof readShell>;
  try {
    reading = readShell(command);
  } catch (error) {
    if (!(error instanceof ShellSyntaxRefused)) throw error;
    throw new CommandRefused(`it uses syntax the terminal's check does not follow (${error.message})`);
  }
  if (options.bashLike && reading.arithmeticNames.length > 0) {
    throw new CommandRefused(
      "$((…)) with variable names is refused where /bin/sh is bash (it can evaluate them as code)",
    );
  }
  for (const name of [...reading.assignedNames, ...reading.arithmeticNames]) checkVariable(name);
  for (const simple of reading.commands) judgeSimple(simple, context);
  return context;
}

function judgeSimple(command: SimpleCommand, context: Context): void {
  for (const assignment of command.assignments) checkAssignment(assignment);
  for (const { op, target } of command.redirects) checkRedirect(op, target, context);
  if (command.words.length > 0) judgeProgram(command.words, context);
}

function checkAssignment(word: Word): void {
  if (word.assigns !== null) checkVariable(word.assigns);
}

function checkVariable(name: string): void {
  if (STEERING_VARIABLE.test(name)) {
    throw new CommandRefused(`setting ${name} is refused: it changes which programs run, or how`);
  }
}

function checkRedirect(op: string, target: Word, context: Context): void {
  const name = target.literal;
  if (op === "<" || op === "<&") {
    // Reading: allowed programs may read files anyway; but bash opens sockets for /dev/tcp and /dev/udp.
    if (name === null || /^\/dev\/(tcp|udp)\//.test(name)) {
      throw new CommandRefused("reading from a computed path or a /dev/tcp, /dev/udp socket is refused");
    }
    return;
  }
  if (op === ">&" && name !== null && /^(\d+|-)$/.test(name)) return; // duplicating a descriptor
  if (name === null || target.pattern) {
    throw new CommandRefused(
      "a redirection to a computed path ($…, globs, ~, {…}) is refused; write the file name out",
    );
  }
  if (DEVICES.has(name)) return;
  if (name.startsWith("/") || name.split("/").includes("..")) {
    throw new CommandRefused(`writing to '${name}' is refused: redirections stay inside the project`);
  }
  context.writes.push(name);
}

function programName(word: Word): string {
  // A lone `[` (test) cannot expand; any other pattern could become another name.
  if (word.literal === null || (word.pattern && word.literal !== "[") || word.literal === "") {
    throw new CommandRefused("a program name must be written out, not computed ($…, `…`, globs, ~, {…})");
  }
  return word.literal;
}

function judgeProgram(words: readonly Word[], context: Context): void {
  const [first, ...args] = words;
  if (first === undefined) return;
  const name = programName(first);
  if (name.includes("/")) {
    if (context.list.programs.has(name)) return;
    throw new CommandRefused(
      `'${name}' is a path: the terminal runs programs by name, or by a path the owner put on the allow-list as written`,
      name,
    );
  }
  if (SAFE_BUILTINS.has(name)) {
    checkBuiltin(name, args, context);
    return;
  }
  if (!context.list.programs.has(name)) {
    throw new CommandRefused(`'${name}' is not on this agent's terminal allow-list (${context.list.source})`, name);
  }
  const wrapped = wrappedCommand(name, args);
  if (wrapped !== null) judgeProgram(wrapped, context);
}

function checkBuiltin(name: string, args: readonly Word[], context: Context): void {
  const [first] = args;
  if (name === "cd") {
    const target = first?.literal;
    if (args.length !== 1 || first === undefined || target == null || first.pattern || target.startsWith("-")) {
      throw new CommandRefused("cd takes one directory written out, inside the project");
    }
    if (target.startsWith("/") || target.split("/").includes("..")) {
      throw new CommandRefused(`cd '${target}' is refused: the terminal stays inside the project`);
    }
    context.directories.push(target);
  } else if (name === "read") {
    if (context.bashLike)
      throw new CommandRefused("read is refused where /bin/sh is bash (it can evaluate array subscripts as code)");
    for (const arg of args) {
      if (arg.literal === null) throw new CommandRefused("read needs its variable names written out");
      if (!arg.literal.startsWith("-")) checkVariable(arg.literal);
    }
  } else if (context.bashLike && name === "printf" && (first?.literal ?? "-v") === "-v") {
    throw new CommandRefused("printf -v (or a computed first argument) is refused where /bin/sh is bash");
  } else if (
    context.bashLike &&
    (name === "test" || name === "[") &&
    args.some((a) => /^-[vR]$/.test(a.literal ?? ""))
  ) {
    throw new CommandRefused(`${name} -v/-R is refused where /bin/sh is bash`);
  }
}

/** Options of wrappers that take a value (the word after them is not the program). */
const OPTION_VALUES: Readonly<Record<string, readonly string[]>> = {
  nice: ["-n"],
  timeout: ["-s", "-k"],
};
const WRAPPERS = new Set(["env", "nice", "timeout", "nohup", "time", "command", "exec"]);
/** Options after which a wrapper runs nothing (it prints). */
const NO_PROGRAM = /^(-v|-V|--help|--version)$/;

/**
 * The command a wrapper runs (`env A=1 prog`, `nice -n 5 prog`, `timeout 5 prog`,
 * `nohup prog`, `time prog`, `command prog`, `exec prog`), so it is judged too;
 * null when it runs none.
 */
function wrappedCommand(name: string, args: readonly Word[]): Word[] | null {
  if (!WRAPPERS.has(name)) return null;
  let durationSeen = false;
  for (let index = 0; index < args.length; index += 1) {
    const word = args[index] as Word;
    const literal = word.literal;
    if (name === "env" && word.assigns !== null) {
      checkAssignment(word);
    } else if (literal?.startsWith("-") === true && literal !== "-") {
      if (name === "env" || name === "exec") {
        throw new CommandRefused(
          `${name} options are not supported by the terminal's check; write \`${name} program …\``,
        );
      }
      if (NO_PROGRAM.test(literal)) return null;
      if (OPTION_VALUES[name]?.includes(literal) === true) index += 1;
    } else if (name === "timeout" && !durationSeen) {
      durationSeen = true;
    } else {
      return args.slice(index);
    }
  }
  return null;
}

/**
 * Throws OperationError("forbidden") unless `command` may run in the project
 * at `root`: judged against the list, then every write target and `cd`
 * target resolved (symlinks followed) from every directory the `cd`s can lead to.
 */
export async function checkTerminalCommand(options: {
  command: string;
  root: string;
  list: TerminalAllowList;
  stateDir: string;
  bashLike: boolean;
}): Promise<void> {
  let judged: Judged;
  try {
    judged = judgeCommand(options.command, options.list, { bashLike: options.bashLike });
  } catch (error) {
    if (!(error instanceof CommandRefused)) throw error;
    const hint = error.program === null ? "" : `; ${howToAllow(error.program, options)}`;
    throw new OperationError("forbidden", `the terminal refuses this command: ${error.message}${hint}`, {
      reason: "terminal_not_allowed",
      program: error.program,
      allowList: options.list.source,
    });
  }
  let bases = [""];
  for (const directory of judged.directories) {
    bases = [...new Set([...bases, ...bases.map((base) => path.posix.join(base, directory))])];
    if (bases.length > MAX_DIRECTORIES) throw refusedPath("it changes directory too many ways to check");
  }
  for (const base of bases) {
    for (const target of judged.writes) await inside(options.root, path.posix.join(base, target), "write");
    for (const target of judged.directories) await inside(options.root, path.posix.join(base, target), "read");
  }
}

async function inside(root: string, relative: string, mode: "read" | "write"): Promise<void> {
  try {
    await resolveInProject(root, relative, { mode });
  } catch (error) {
    if (error instanceof OperationError && (error.code === "forbidden" || error.code === "bad_request")) {
      throw refusedPath(error.message);
    }
    throw error;
  }
}

function refusedPath(reason: string): OperationError {
  return new OperationError("forbidden", `the terminal refuses this command: ${reason}`, {
    reason: "terminal_outside_project",
  });
}
