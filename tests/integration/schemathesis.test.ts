/**
 * Schema-driven fuzzing with schemathesis against one real stack: every
 * operation of the served OpenAPI document that cannot harm the host gets
 * generated valid and invalid requests (examples, coverage and fuzzing
 * phases), checked for server errors and for answers that do not match the
 * document. Reads of a project (GET /api/v1/projects/{id}...) name one real
 * project in a temporary directory; every other id names nothing, so writes
 * that reach the agent are refused before any work, and no MCP server is
 * registered. Every DELETE and every write the fuzz suite treats as
 * refuse-only is switched off (see tests/support/schemathesis.ts). The report
 * is printed; any failure fails.
 * Replay with ATT_FUZZ_SEED=<seed>.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { HealthResponse } from "@att/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OpenApiDoc } from "../support/fuzz/rest.ts";
import { ensureNatVenv, type NatVenv } from "../support/nat-venv.ts";
import { excludedOperations, runSt, writeConfig } from "../support/schemathesis.ts";
import { Stack } from "../support/stack.ts";

/** Generated cases per operation and phase: enough to find crashes, few enough for a few minutes. */
const MAX_EXAMPLES = 10;
const ST_TIMEOUT_MS = 8 * 60_000;

let venv: NatVenv;
let stack: Stack;

beforeAll(async () => {
  venv = await ensureNatVenv();
  stack = await Stack.start();
  stack.addProjectDir("schema_home");
  writeFileSync(path.join(stack.projectsDir, "schema_home", "README.md"), "# schema home\n");
  execFileSync("git", ["init", "-q", "-b", "main"], { cwd: path.join(stack.projectsDir, "schema_home") });
  await stack.startLinkedAgent();
}, 1_200_000);

afterAll(async () => {
  await stack?.dispose();
});

describe("schemathesis against the served OpenAPI document", () => {
  it("finds no server error and no answer that breaks the document", async () => {
    const doc = await stack.json<OpenApiDoc>("/api/v1/openapi.json");
    const project = await stack.projectNamed("schema_home");
    const excluded = excludedOperations(doc);
    expect(excluded).toEqual(
      expect.arrayContaining(["POST /api/v1/projects/{id}/terminal/run", "DELETE /api/v1/projects/{id}"]),
    );
    const given = process.env.ATT_FUZZ_SEED;
    const seed = given !== undefined && given !== "" ? Number(given) : Math.floor(Math.random() * 2 ** 31);
    console.log(`schemathesis seed ${seed} (replay with ATT_FUZZ_SEED=${seed})`);

    const started = Date.now();
    const result = await runSt({
      st: venv.st,
      cwd: stack.dir,
      timeoutMs: ST_TIMEOUT_MS,
      args: [
        "--config-file",
        writeConfig({ dir: stack.dir, excluded, readProjectId: project.id }),
        "run",
        `${stack.url}/api/v1/openapi.json`,
        "--header",
        `Authorization: Bearer ${stack.userToken}`,
        "--checks",
        "not_a_server_error,response_schema_conformance,content_type_conformance",
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        String(MAX_EXAMPLES),
        "--seed",
        String(seed),
        // One worker: with several, Hypothesis changes the recursion limit in one thread while another
        // parses source, which Python 3.11.7 reports as "AST constructor recursion depth mismatch".
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--generation-database",
        "none",
        "--no-color",
      ],
    });
    console.log(
      `schemathesis finished in ${((Date.now() - started) / 1000).toFixed(1)} s (exit ${result.code}):\n${result.output}`,
    );

    // Every operation but the excluded ones was selected (so the exclusions matched), and none failed.
    const counted = /(\d+) selected \/ (\d+) total/.exec(result.output);
    expect(counted).not.toBeNull();
    expect(Number(counted?.[1])).toBe(Number(counted?.[2]) - excluded.length);
    expect(result.code).toBe(0);

    const health = await stack.json<HealthResponse>("/api/v1/health");
    expect(health.agent.connected).toBe(true);
  }, 1_200_000);
});
