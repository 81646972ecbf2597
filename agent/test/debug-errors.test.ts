/**
 * The error parser against tracebacks real Python prints (python3 -c
 * scripts: plain, chained with `raise ... from`, raised while handling,
 * syntax errors), NAT's own error lines, and the tracker + store that count
 * repeats under one fingerprint.
 */
import { execFile } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fingerprint } from "../src/operations/debug/errors/fingerprint.ts";
import { debugErrors } from "../src/operations/debug/errors/operation.ts";
import { ErrorParser, type Finding } from "../src/operations/debug/errors/parser.ts";
import { listErrors } from "../src/operations/debug/errors/store.ts";
import { ErrorTracker } from "../src/operations/debug/errors/tracker.ts";
import { LogStore } from "../src/operations/logs/store.ts";
import { callOperation } from "./support/call.ts";
import { createTestContext, type TestContext } from "./support/context.ts";

const PYTHON = process.env.ATT_PYTHON_COMMAND ?? "python3";

/** Runs a Python script and returns its stderr lines. */
function pythonStderr(script: string): Promise<string[]> {
  return new Promise((resolve) => {
    execFile(PYTHON, ["-c", script], { timeout: 30_000 }, (_error, _stdout, stderr) => {
      resolve(stderr.replace(/\n$/, "").split("\n"));
    });
  });
}

function parse(lines: readonly string[]): Finding<number>[] {
  const parser = new ErrorParser<number>();
  const found = lines.flatMap((line, i) => parser.feed(line, i + 1));
  return [...found, ...parser.end()];
}

const PLAIN = `
def load(n):
    return {"a": 1}[n]
def main():
    load("missing")
main()
`;

const CHAINED = `
class ConfigError(Exception):
    pass
def read():
    raise KeyError("llm_name")
def build():
    try:
        read()
    except KeyError as e:
        raise ConfigError("cannot build workflow") from e
def start():
    try:
        build()
    except ConfigError:
        raise RuntimeError("startup failed at 0x7f3a2b1c")
start()
`;

describe("traceback parser (real python3 output)", () => {
  it("reads a plain traceback: type, message, frames innermost last with code", async () => {
    const lines = await pythonStderr(PLAIN);
    const [finding, ...rest] = parse(lines);
    expect(rest).toEqual([]);
    expect(finding?.source).toBe("runtime");
    expect(finding?.ref).toBe(1);
    expect(finding?.error.type).toBe("KeyError");
    expect(finding?.error.message).toBe("'missing'");
    expect(finding?.error.frames.map((f) => f.function)).toEqual(["<module>", "main", "load"]);
    expect(finding?.error.frames.at(-1)).toEqual({
      file: "<string>",
      line: 3,
      function: "load",
      code: null, // python -c has no source lines to show
    });
    expect(finding?.causes).toEqual([]);
  });

  it("reads chained exceptions: the raised one first, then its context, then the direct cause", async () => {
    const lines = await pythonStderr(CHAINED);
    expect(lines).toContain("The above exception was the direct cause of the following exception:");
    expect(lines).toContain("During handling of the above exception, another exception occurred:");
    const findings = parse(lines);
    expect(findings).toHaveLength(1);
    const finding = findings[0];
    expect(finding?.error.type).toBe("RuntimeError");
    expect(finding?.error.message).toBe("startup failed at 0x7f3a2b1c");
    expect(finding?.causes.map((c) => [c.type, c.relation])).toEqual([
      ["ConfigError", "context"],
      ["KeyError", "cause"],
    ]);
    expect(finding?.causes[0]?.message).toBe("cannot build workflow");
    expect(finding?.causes[1]?.frames.at(-1)?.function).toBe("read");
  });

  it("reads a traceback from a file with code lines and carets, and a SyntaxError frame", async () => {
    const script = [
      "import os, subprocess, sys, tempfile",
      "d = tempfile.mkdtemp()",
      "open(os.path.join(d, 'bad.py'), 'w').write('def f(:\\n    pass\\n')",
      "open(os.path.join(d, 'div.py'), 'w').write('def ratio(a, b):\\n    return a / b\\n\\nratio(1, 0)\\n')",
      "for args in (['div.py'], ['-c', 'import bad']):",
      "    r = subprocess.run([sys.executable, *args], cwd=d, capture_output=True, text=True)",
      "    sys.stderr.write(r.stderr)",
    ].join("\n");
    const lines = await pythonStderr(script);
    const findings = parse(lines);
    expect(findings.map((f) => f.error.type)).toEqual(["ZeroDivisionError", "SyntaxError"]);
    expect(findings[0]?.error.frames.at(-1)).toMatchObject({ line: 2, function: "ratio", code: "return a / b" });
    expect(findings[1]?.error.frames.at(-1)).toMatchObject({ line: 1, function: null, code: "def f(:" });
    expect(findings[1]?.error.message).toBe("invalid syntax");
  });

  it("fingerprints by types and frames, not by the numbers in a message", async () => {
    const a = parse(await pythonStderr('def f(n):\n    raise ValueError(f"bad id {n} at {hex(id(n))}")\nf(1)'));
    const b = parse(await pythonStderr('def f(n):\n    raise ValueError(f"bad id {n} at {hex(id(n))}")\nf(2)'));
    const c = parse(await pythonStderr('def g(n):\n    raise ValueError(f"bad id {n}")\ng(1)'));
    const [fa, fb, fc] = [a[0], b[0], c[0]];
    if (fa === undefined || fb === undefined || fc === undefined) throw new Error("no findings");
    expect(fa.error.message).not.toBe(fb.error.message);
    expect(fingerprint(fa)).toBe(fingerprint(fb));
    expect(fingerprint(fa)).not.toBe(fingerprint(fc));
  });

  it("reads NAT's error lines with their follow-up lines, and skips listings", () => {
    const findings = parse([
      "2026-11-21 17:20:42 - INFO     - nat.cli.commands.start:192 - Starting NAT from config file: 'x.yml'",
      "2026-11-21 17:20:42 - ERROR    - nat.data_models.config:118 - Requested workflow type `nope` not found. Have you ensured the necessary package has been installed with `uv pip install`?",
      "Available workflow names:",
      " - nat.tool/chat_completion",
      "",
      "2026-11-21 17:21:20 - ERROR    - nat.builder.workflow_builder:210 - Successfully built components:",
      "2026-11-21 17:21:20 - ERROR    - nat.builder.workflow_builder:212 - - main (llms)",
      "2026-11-21 17:21:20 - ERROR    - nat.builder.workflow_builder:223 - Original error: LLM `nosuch` not found",
      "2026-11-21 17:21:20 - ERROR:    Traceback (most recent call last):",
      '  File "/v/nat/builder/workflow_builder.py", line 872, in get_llm',
      '    raise ValueError(f"LLM `{llm_name}` not found")',
      "ValueError: LLM `nosuch` not found",
      "",
      "Error: 'FastApiFrontEndPlugin' object has no attribute '_dask_client'",
    ]);
    expect(findings.map((f) => [f.source, f.error.type])).toEqual([
      ["nat", "nat.data_models.config"],
      ["nat", "nat.builder.workflow_builder"],
      ["runtime", "ValueError"],
      ["nat", "nat.cli"],
    ]);
    expect(findings[0]?.error.message).toMatch(
      /^Requested workflow type `nope` not found\..*\nAvailable workflow names:\n - nat.tool\/chat_completion$/s,
    );
    expect(findings[1]?.error.message).toBe("Original error: LLM `nosuch` not found");
    expect(findings[2]?.error.frames[0]).toMatchObject({ function: "get_llm", line: 872 });
    expect(findings[2]?.ref).toBe(9);
  });
});

describe("error tracker and debug.errors", () => {
  let context: TestContext;
  beforeEach(() => {
    context = createTestContext();
  });
  afterEach(async () => {
    await context.dispose();
  });

  it("stores errors from an app's output, counts repeats, lists newest first", async () => {
    const { project } = await callOperation(context, "projects.create", {
      name: "errors_demo",
      template: "empty",
    });
    const logs = new LogStore({ db: context.db, publish: () => {} });
    const tracker = new ErrorTracker({ db: context.db, projectId: project.id, idleMs: 50 });
    const feed = (lines: string[]) => {
      for (const text of lines) {
        const line = logs.append({ projectId: project.id, runtimeId: "r1", stream: "stderr", text });
        if (line !== null) tracker.feed(line);
      }
    };
    const plain = await pythonStderr(PLAIN);
    feed(plain);
    feed(["INFO:     still serving"]); // a logged line ends the traceback at once
    feed(plain);
    // The second traceback is completed by the quiet period, not by a following line.
    expect(listErrors(context.db, { projectId: project.id, limit: 5 }).map((e) => e.count)).toEqual([1]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(listErrors(context.db, { projectId: project.id, limit: 5 }).map((e) => e.count)).toEqual([2]);
    feed(await pythonStderr(CHAINED));
    tracker.end();
    logs.close();

    const { errors } = await debugErrors({ projectId: project.id, limit: 50 }, context);
    expect(errors.map((e) => [e.type, e.count])).toEqual([
      ["RuntimeError", 1],
      ["KeyError", 2],
    ]);
    const keyError = errors[1];
    // The latest occurrence: the second traceback, after the first one and the INFO line.
    expect(keyError?.logCursor).toBe(plain.length + 2);
    expect((keyError?.firstSeen ?? "") <= (keyError?.lastSeen ?? "")).toBe(true);
    expect(errors[0]?.causes).toHaveLength(2);
    const since = errors[0]?.lastSeen ?? "";
    expect(listErrors(context.db, { projectId: project.id, limit: 50, since }).map((e) => e.type)).toContain(
      "RuntimeError",
    );
    expect(listErrors(context.db, { projectId: project.id, limit: 1 })).toHaveLength(1);
  });
});
