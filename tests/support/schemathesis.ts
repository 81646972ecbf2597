/**
 * Runs schemathesis (from the test venv, see nat-venv.ts) against a stack's
 * served OpenAPI document. Operations that could harm the host or change
 * accounts are switched off in a generated config file: every DELETE, and
 * every write the fuzz suite sends only refused bodies (fuzz/rest.ts), since
 * schemathesis sends valid ones too.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { isRefuseOnly, type OpenApiDoc } from "./fuzz/rest.ts";

/** `METHOD /path` of every operation schemathesis must not call. */
export function excludedOperations(doc: OpenApiDoc): string[] {
  const excluded: string[] = [];
  for (const [route, byMethod] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(byMethod)) {
      const write = method === "post" || method === "put";
      const operation = op["x-att-operation"] ?? null;
      const refuseOnly =
        write && isRefuseOnly({ method, path: route, operation, bodyProperties: [], queryParameters: [] });
      if (method === "delete" || refuseOnly) excluded.push(`${method.toUpperCase()} ${route}`);
    }
  }
  return excluded;
}

/**
 * A schemathesis.toml that disables the given operations by name, and gives
 * the reads of one project (`GET /api/v1/projects/{id}...`) a real project id,
 * so they reach the agent's code rather than its 404.
 */
export function writeConfig(options: { dir: string; excluded: readonly string[]; readProjectId: string }): string {
  const file = path.join(options.dir, "schemathesis.toml");
  const entries = options.excluded.map(
    (name) => `[[operations]]\ninclude-name = ${JSON.stringify(name)}\nenabled = false\n`,
  );
  entries.push(
    [
      "[[operations]]",
      `include-name-regex = ${JSON.stringify("^GET /api/v1/projects/\\{id\\}")}`,
      `parameters = { "path.id" = ${JSON.stringify(options.readProjectId)} }`,
      "",
    ].join("\n"),
  );
  writeFileSync(file, entries.join("\n"));
  return file;
}

export interface StResult {
  code: number | null;
  output: string;
}

/** Runs `st` to completion (bounded), keeping the last 256 KiB of its output. */
export function runSt(options: {
  st: string;
  args: readonly string[];
  cwd: string;
  timeoutMs: number;
}): Promise<StResult> {
  return new Promise((resolve) => {
    const child = spawn(options.st, options.args, {
      cwd: options.cwd,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1", COLUMNS: "160" },
      detached: true,
    });
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-262_144);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => {
      output += `\n(st stopped after ${options.timeoutMs} ms)\n`;
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    }, options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: null, output: `${output}\n${error.message}` });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
