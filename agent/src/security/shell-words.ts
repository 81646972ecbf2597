/**
 * A conservative reading of a `/bin/sh -c` command line, enough to name every
 * command it would run: each simple command (its assignments, words and
 * redirections) wherever it is, inside `$(…)`, backquotes, `${…}` and
 * `$((…))` too, in subshells, groups, pipelines, `if`, `while`, `until` and
 * `for`. Syntax it does not follow (here-documents, `case`, function
 * definitions, process substitution, quotes whose meaning differs between
 * shells) is refused with a reason rather than guessed at.
 */

import {
  ListParser,
  NAME,
  type Redirect,
  type ShellReading,
  ShellSyntaxRefused,
  type SimpleCommand,
  type Word,
} from "./shell-commands.ts";

export { type Redirect, type ShellReading, ShellSyntaxRefused, type SimpleCommand, type Word };

const MAX_NESTING = 16;
const BLANK = new Set([" ", "\t"]);
const WORD_END = new Set([" ", "\t", "\n", ";", "&", "|", "(", ")", "<", ">"]);
const REDIRECTS = new Set(["<", ">", ">>", ">|", "<>", "<&", ">&", "&>", "&>>"]);

type Token = { kind: "word"; word: Word } | { kind: "op"; op: string } | { kind: "end" };

/** Reads `command` into its simple commands, or throws ShellSyntaxRefused. */
export function readShell(command: string): ShellReading {
  const out: ShellReading = { commands: [], assignedNames: [], arithmeticNames: [] };
  parseText(command, out, 0);
  return out;
}

function parseText(text: string, out: ShellReading, nesting: number): void {
  if (nesting > MAX_NESTING) throw new ShellSyntaxRefused(`substitutions nested more than ${MAX_NESTING} deep`);
  new Reader(text, out, nesting).list("top");
}

class Reader {
  readonly #src: string;
  readonly #out: ShellReading;
  readonly #nesting: number;
  #pos = 0;

  constructor(src: string, out: ShellReading, nesting: number) {
    this.#src = src;
    this.#out = out;
    this.#nesting = nesting;
  }

  #at(offset = 0): string {
    return this.#src[this.#pos + offset] ?? "";
  }

  /** A command list, up to the end of the text (`top`) or the `)` closing a `$(` (`sub`). */
  list(mode: "top" | "sub"): void {
    const list = new ListParser(this.#out);
    for (;;) {
      const token = this.#token();
      if (token.kind === "end") {
        if (mode === "sub") throw new ShellSyntaxRefused("a $( without its closing )");
        list.end();
        return;
      }
      if (token.kind === "op" && REDIRECTS.has(token.op)) {
        const target = this.#token();
        if (target.kind !== "word") throw new ShellSyntaxRefused(`a ${token.op} without a target`);
        list.redirect({ op: token.op, target: target.word });
      } else if (token.kind === "op") {
        if (list.op(token.op) === "closed-substitution") {
          if (mode === "sub") return;
          throw new ShellSyntaxRefused("an unbalanced )");
        }
      } else list.word(token.word);
    }
  }

  #token(): Token {
    for (;;) {
      while (BLANK.has(this.#at()) || (this.#at() === "\\" && this.#at(1) === "\n")) {
        this.#pos += this.#at() === "\\" ? 2 : 1;
      }
      if (this.#at() !== "#") break;
      while (this.#pos < this.#src.length && this.#at() !== "\n") this.#pos += 1;
    }
    const c = this.#at();
    if (c === "") return { kind: "end" };
    const digits = /^[0-9]+(?=[<>])/.exec(this.#src.slice(this.#pos, this.#pos + 12));
    if (digits !== null) this.#pos += digits[0].length; // an fd number belongs to its redirection
    if (WORD_END.has(c) || digits !== null) return { kind: "op", op: this.#operator() };
    return { kind: "word", word: this.#word() };
  }

  #operator(): string {
    const two = this.#src.slice(this.#pos, this.#pos + 2);
    const three = this.#src.slice(this.#pos, this.#pos + 3);
    if (two === "<<") throw new ShellSyntaxRefused("here-documents (<<) are not supported; write the text to a file");
    if (two === ";;") throw new ShellSyntaxRefused("case … esac is not supported");
    if (two === "<(" || two === ">(") throw new ShellSyntaxRefused("process substitution is not supported");
    const op = three === "&>>" ? three : ["&&", "||", "|&", ">>", ">|", "<>", "<&", ">&", "&>"].find((o) => o === two);
    const chosen = op ?? this.#at();
    this.#pos += chosen.length;
    return chosen === "|&" ? "|" : chosen;
  }

  #word(): Word {
    let literal = "";
    let expanded = false;
    let pattern = false;
    let quoted = false;
    let assigns: string | null = null;
    while (this.#pos < this.#src.length && !WORD_END.has(this.#at())) {
      const c = this.#at();
      if (c === "\\") {
        if (this.#at(1) !== "\n") literal += this.#at(1);
        quoted = true;
        this.#pos += 2;
      } else if (c === "'") {
        literal += this.#singleQuoted();
        quoted = true;
      } else if (c === '"') {
        this.#pos += 1;
        const inner = this.#doubleQuoted();
        literal += inner.text;
        expanded ||= inner.expanded;
        quoted = true;
      } else if ((c === "$" || c === "`") && this.#expansion(false)) {
        expanded = true;
      } else {
        if (c === "=" && !quoted && !expanded && assigns === null && NAME.test(literal)) assigns = literal;
        if ("*?[{}".includes(c) || (c === "~" && literal === "" && !quoted)) pattern = true;
        literal += c;
        this.#pos += 1;
      }
    }
    return { literal: expanded ? null : literal, pattern, quoted, assigns };
  }

  #singleQuoted(): string {
    const end = this.#src.indexOf("'", this.#pos + 1);
    if (end === -1) throw new ShellSyntaxRefused("an unterminated ' quote");
    const text = this.#src.slice(this.#pos + 1, end);
    this.#pos = end + 1;
    return text;
  }

  /** After an opening `"`, up to and including its closing `"`. */
  #doubleQuoted(): { text: string; expanded: boolean } {
    let text = "";
    let expanded = false;
    for (;;) {
      const c = this.#at();
      if (c === "") throw new ShellSyntaxRefused('an unterminated " quote');
      if (c === '"') {
        this.#pos += 1;
        return { text, expanded };
      }
      if (c === "\\") {
        const next = this.#at(1);
        if (next !== "\n") text += '$`"\\'.includes(next) ? next : `\\${next}`;
        this.#pos += 2;
      } else if (c === "`") {
        throw new ShellSyntaxRefused("backquotes inside double quotes are not supported; use $(…)");
      } else if (c === "$" && this.#expansion(true)) {
        expanded = true;
      } else {
        text += c;
        this.#pos += 1;
      }
    }
  }

  /** At `$` or a backquote: reads the expansion; false for a `$` that stands for itself. */
  #expansion(inDouble: boolean): boolean {
    const next = this.#at(1);
    if (this.#at() === "`") {
      this.#backquoted();
    } else if (next === "(" && this.#at(2) === "(") {
      this.#pos += 3;
      this.#arithmetic();
    } else if (next === "(") {
      this.#pos += 2;
      this.#nested().list("sub");
    } else if (next === "{") {
      this.#pos += 2;
      this.#parameter(inDouble);
    } else if (/[A-Za-z_]/.test(next)) {
      this.#pos += 1;
      while (/[A-Za-z0-9_]/.test(this.#at())) this.#pos += 1;
    } else if (/[0-9@*#?$!-]/.test(next)) {
      this.#pos += 2;
    } else if (next === "[") {
      throw new ShellSyntaxRefused("$[…] is not supported; use $((…))");
    } else if (!inDouble && (next === "'" || next === '"')) {
      this.#pos += 1; // bash's $'…' and $"…": the quoted part follows; the word is not a plain literal
    } else {
      return false;
    }
    return true;
  }

  /** A reader for a `$(` in this text, sharing position: it continues where that one stops. */
  #nested(): { list: (mode: "sub") => void } {
    if (this.#nesting + 1 > MAX_NESTING) {
      throw new ShellSyntaxRefused(`substitutions nested more than ${MAX_NESTING} deep`);
    }
    const inner = new Reader(this.#src, this.#out, this.#nesting + 1);
    inner.#pos = this.#pos;
    return {
      list: (mode) => {
        inner.list(mode);
        this.#pos = inner.#pos;
      },
    };
  }

  #backquoted(): void {
    let text = "";
    this.#pos += 1;
    for (;;) {
      const c = this.#at();
      if (c === "") throw new ShellSyntaxRefused("an unterminated backquote");
      this.#pos += 1;
      if (c === "`") break;
      if (c === "\\") {
        const next = this.#at();
        text += "$`\\".includes(next) ? next : `\\${next}`;
        this.#pos += 1;
      } else text += c;
    }
    parseText(text, this.#out, this.#nesting + 1);
  }

  /** After `$((`, up to and including `))`. */
  #arithmetic(): void {
    let depth = 0;
    for (;;) {
      const c = this.#at();
      if (c === "") throw new ShellSyntaxRefused("a $(( without its closing ))");
      if (c === "(") depth += 1;
      else if (c === ")" && depth > 0) depth -= 1;
      else if (c === ")") {
        if (this.#at(1) !== ")") throw new ShellSyntaxRefused("a $(( whose parentheses do not match");
        this.#pos += 2;
        return;
      } else if ("'\"\\".includes(c)) throw new ShellSyntaxRefused("quotes inside $((…)) are not supported");
      else if ((c === "$" || c === "`") && this.#expansion(false)) continue;
      else if (/[A-Za-z_]/.test(c)) {
        const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.#src.slice(this.#pos))?.[0] ?? c;
        this.#out.arithmeticNames.push(name);
        this.#pos += name.length;
        continue;
      }
      this.#pos += 1;
    }
  }

  /** After `${`, up to and including its `}`. */
  #parameter(inDouble: boolean): void {
    const assigned = /^([A-Za-z_][A-Za-z0-9_]*):?=/.exec(this.#src.slice(this.#pos, this.#pos + 256));
    if (assigned?.[1] !== undefined) this.#out.assignedNames.push(assigned[1]);
    for (;;) {
      const c = this.#at();
      if (c === "") throw new ShellSyntaxRefused("a ${ without its closing }");
      if (c === "}") {
        this.#pos += 1;
        return;
      }
      if (inDouble && (c === "'" || c === '"')) {
        throw new ShellSyntaxRefused("quotes inside ${…} within double quotes are read differently by each shell");
      }
      if (c === "\\") this.#pos += 2;
      else if (c === "'") this.#singleQuoted();
      else if (c === '"') {
        this.#pos += 1;
        this.#doubleQuoted();
      } else if ((c === "$" || c === "`") && this.#expansion(inDouble)) continue;
      else this.#pos += 1;
    }
  }
}
