/**
 * What the shell reader (shell-words.ts) produces, and the parser that turns
 * its tokens into simple commands: it tracks where a command name can stand
 * (after a separator or a reserved word such as `then` or `do`, not after an
 * assignment) and reads `for NAME in WORDS; do` without mistaking the words
 * for commands.
 */

export interface Word {
  /** The word after quote removal; null when it holds an expansion ($x, $(…), `…`, ${…}, $((…)), $'…'). */
  literal: string | null;
  /** Unquoted glob characters, a leading `~` or braces: the shell may turn it into other words. */
  pattern: boolean;
  /** Some part of it was quoted or escaped (so it is never a reserved word). */
  quoted: boolean;
  /** `NAME` when the word is an assignment `NAME=value` (name and `=` unquoted). */
  assigns: string | null;
}

export interface Redirect {
  op: string;
  target: Word;
}

export interface SimpleCommand {
  assignments: Word[];
  words: Word[];
  redirects: Redirect[];
}

export interface ShellReading {
  commands: SimpleCommand[];
  /** Variables set outside assignment words: `for NAME in`, `${NAME=…}`, `${NAME:=…}`. */
  assignedNames: string[];
  /** Names inside `$((…))`: arithmetic can assign them, and bash evaluates their values as code. */
  arithmeticNames: string[];
}

/** A command line the reader will not judge; `message` says why. */
export class ShellSyntaxRefused extends Error {}

export const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const OPENERS = new Set(["{", "!", "if", "then", "else", "elif", "while", "until", "do"]);
const CLOSERS = new Set(["}", "fi", "done"]);

type Position = "start" | "prefix" | "args" | "after";
type ForState = null | "name" | "afterName" | "in";

/** Turns the token stream of one list into simple commands, tracking where a command name can stand. */
export class ListParser {
  readonly #out: ShellReading;
  #position: Position = "start";
  #for: ForState = null;
  #current: SimpleCommand | null = null;
  #parens = 0;

  constructor(out: ShellReading) {
    this.#out = out;
  }

  #command(): SimpleCommand {
    this.#current ??= { assignments: [], words: [], redirects: [] };
    return this.#current;
  }

  #finish(): void {
    if (this.#current !== null) this.#out.commands.push(this.#current);
    this.#current = null;
  }

  end(): void {
    if (this.#parens > 0) throw new ShellSyntaxRefused("an unbalanced (");
    if (this.#for !== null) throw new ShellSyntaxRefused("an unfinished for loop");
    this.#finish();
  }

  redirect(redirect: Redirect): void {
    this.#command().redirects.push(redirect);
    if (this.#position === "start") this.#position = "prefix";
  }

  /** Returns "closed-substitution" for a `)` that closes no `(` of this list. */
  op(op: string): "ok" | "closed-substitution" {
    if (this.#for === "afterName" && op === "\n") return "ok";
    if (this.#for !== null && op !== ";" && op !== "\n")
      throw new ShellSyntaxRefused("a for loop this check cannot follow");
    this.#for = null;
    this.#finish();
    if (op === "(") {
      if (this.#position !== "start")
        throw new ShellSyntaxRefused("'(' after a word (a function definition?) is not supported");
      this.#parens += 1;
      return "ok";
    }
    if (op === ")") {
      if (this.#parens === 0) return "closed-substitution";
      this.#parens -= 1;
      this.#position = "after";
      return "ok";
    }
    this.#position = "start";
    return "ok";
  }

  word(word: Word): void {
    const reserved = word.quoted || word.literal === null ? null : word.literal;
    if (this.#for !== null) {
      this.#forWord(reserved);
      return;
    }
    if (this.#position === "after")
      throw new ShellSyntaxRefused(`'${reserved ?? "…"}' after a closing ), }, fi or done`);
    if (this.#position === "start" && reserved !== null) {
      if (reserved === "case" || reserved === "esac") throw new ShellSyntaxRefused("case … esac is not supported");
      if (reserved === "for") {
        this.#for = "name";
        return;
      }
      if (OPENERS.has(reserved)) return;
      if (CLOSERS.has(reserved)) {
        this.#finish();
        this.#position = "after";
        return;
      }
    }
    if (this.#position !== "args" && word.assigns !== null) {
      this.#command().assignments.push(word);
      this.#position = "prefix";
      return;
    }
    this.#command().words.push(word);
    this.#position = "args";
  }

  /** `for NAME [in WORDS] ; do`: the name and words are no commands (their substitutions were read already). */
  #forWord(reserved: string | null): void {
    if (this.#for === "name") {
      if (reserved === null || !NAME.test(reserved)) throw new ShellSyntaxRefused("for needs a variable name");
      this.#out.assignedNames.push(reserved);
      this.#for = "afterName";
    } else if (this.#for === "afterName") {
      if (reserved === "in") this.#for = "in";
      else if (reserved === "do") {
        this.#for = null;
        this.#position = "start";
      } else throw new ShellSyntaxRefused("a for loop this check cannot follow");
    }
  }
}
