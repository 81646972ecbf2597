/**
 * The shell reader against the real shell: random command lines built from
 * quoting, substitutions, pipelines, groups and loops are run by /bin/sh with
 * a PATH of spy programs that record their names, and every program the
 * shell ran must be one the reader named (or the reader refused the line).
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { readShell, ShellSyntaxRefused } from "../src/security/shell-words.ts";

const SPIES = ["p1", "p2", "p3", "p4"];
const dir = mkdtempSync(path.join(os.tmpdir(), "att-shell-spies-"));
for (const name of SPIES) {
  const spy = path.join(dir, name);
  writeFileSync(spy, `#!/bin/sh\necho ${name} >> "$SPY_LOG"\necho out-${name}\n`);
  chmodSync(spy, 0o755);
}
let runs = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Programs /bin/sh runs for `command` (with only the spies on PATH). */
function ran(command: string): string[] {
  runs += 1;
  // A log of its own: a background job of an earlier line may still be writing to that one's.
  const log = path.join(dir, `ran-${runs}.log`);
  writeFileSync(log, "");
  try {
    execFileSync("/bin/sh", ["-c", `${command}\nwait`], {
      cwd: dir,
      env: { PATH: dir, v: "value", SPY_LOG: log },
      stdio: "ignore",
      timeout: 5000,
    });
  } catch {
    // Non-zero exits and syntax errors are fine: what ran before them still counts.
  }
  return readFileSync(log, "utf8").split("\n").filter(Boolean);
}

/** Program names the reader found; null when it refused the line. */
function named(command: string): Set<string> | null {
  try {
    return new Set(readShell(command).commands.map((c) => c.words[0]?.literal ?? "<computed>"));
  } catch (error) {
    if (error instanceof ShellSyntaxRefused) return null;
    throw error;
  }
}

const spelled = fc
  .tuple(fc.constantFrom(...SPIES), fc.integer({ min: 0, max: 4 }))
  .map(
    ([name, how]) =>
      [name, `"${name}"`, `'${name}'`, `\\${name}`, `${name.slice(0, 1)}"${name.slice(1)}"`][how] ?? name,
  );

const WORDS = ["x", "'q w'", '"d $v"', "$v", "${v:-dflt}", "a#b", "2>/dev/null", ">>out.txt", "'('", '")"', "\\;"];
const SEPARATORS = [";", "&&", "||", "|", "\n", "&"];

/** A command list nested at most `depth` deep (substitutions, groups, if, for). */
function listOf(depth: number): fc.Arbitrary<string> {
  const inner = depth > 0 ? listOf(depth - 1) : fc.constant("p1");
  const word = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...WORDS) },
    inner.map((l) => `$( ${l} )`),
    inner.map((l) => `"$( ${l} )"`),
    inner.map((l) => `\${v:-$( ${l} )}`),
    inner.map((l) => `$(( $( ${l} ) + 1 ))`),
    inner.map((l) => `\`${l.replaceAll("\\", "\\\\").replaceAll("`", "")}\``),
  );
  const command = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(spelled, fc.array(word, { maxLength: 3 })).map(([p, a]) => [p, ...a].join(" ")) },
    fc.tuple(fc.constantFrom("A=1", "B=$v", "C=$(p2)"), spelled).map(([a, p]) => `${a} ${p}`),
    inner.map((l) => `( ${l} )`),
    inner.map((l) => `{ ${l}; }`),
    fc.tuple(inner, inner).map(([a, b]) => `if ${a}; then ${b}; else p4; fi`),
    fc.tuple(word, inner).map(([w, body]) => `for i in ${w}; do ${body}; done`),
  );
  return fc
    .tuple(command, fc.array(fc.tuple(fc.constantFrom(...SEPARATORS), command), { maxLength: 3 }))
    .map(([first, rest]) => first + rest.map(([op, c]) => ` ${op} ${c}`).join(""));
}

const list = listOf(2);

describe("readShell against /bin/sh", () => {
  it("names every program the shell runs", () => {
    let judged = 0;
    fc.assert(
      fc.property(list, (command) => {
        const found = named(command);
        if (found === null) return; // refused: nothing runs
        judged += 1;
        for (const program of ran(command)) expect(found, command).toContain(program);
      }),
      { numRuns: 120 },
    );
    // Most lines are read, not refused: the property is about something.
    expect(judged).toBeGreaterThan(80);
  }, 120_000);

  it.each([
    'p1 `p2` $(p3 "$(p4)")',
    "p1 'a'\"b\"$(p2)c",
    "for i in $(p1); do p2 $i; done",
    "A=$(p1) p2 ${v:+$(p3)}",
    "{ p1; } | ( p2 ) && if p3; then p4; fi",
    "p\\\n1",
  ])("names the programs of %j", (command) => {
    const found = named(command);
    expect(found).not.toBeNull();
    const programs = ran(command);
    expect(programs.length).toBeGreaterThan(0);
    for (const program of programs) expect(found).toContain(program);
  });
});
