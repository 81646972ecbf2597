/**
 * What `tests.run` executes for a project: pytest for a Python project,
 * else the package.json `test` script (with vitest's JSON reporter when the
 * script is vitest). Paths are jailed to the project; reports go to ATT's
 * own folder for the run, never into the project.
 */
import { existsSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { ParsedParams } from "@att/shared";
import { z } from "zod";
import type { AgentConfig } from "../../config.ts";
import { resolveProjectTool } from "../../process/python-tools.ts";
import { OperationError } from "../errors.ts";
import { jailPath } from "../jail.ts";
import { hasPytestCov } from "./coverage.ts";

export type Framework = "pytest" | "vitest" | "npm";

export interface TestPlan {
  framework: Framework;
  argv: [string, ...string[]];
  /** JUnit XML (pytest) or JSON (vitest) report; null for a plain npm script. */
  reportFile: string | null;
  coverageFile: string | null;
  env: Record<string, string>;
}

type Params = ParsedParams<"tests.run">;

const PYTHON_MARKERS = ["pyproject.toml", "pytest.ini", "setup.cfg", "tox.ini", "conftest.py"];
const PackageJson = z.object({ scripts: z.record(z.string(), z.unknown()).optional() });

interface PlanOptions {
  root: string;
  params: Params;
  config: AgentConfig;
  workDir: string;
  env: Record<string, string>;
}

export async function planTests(options: PlanOptions): Promise<TestPlan> {
  if (await isPythonProject(options.root)) return planPytest(options);
  const script = await testScript(options.root);
  if (script === null) {
    throw new OperationError(
      "precondition_failed",
      "no tests to run: the project has no pytest setup (pyproject.toml, pytest.ini or tests/*.py) and no package.json test script",
    );
  }
  return planNpm(options, script);
}

async function planNpm(options: PlanOptions, script: string): Promise<TestPlan> {
  const { params } = options;
  if (params.marker !== undefined) throw new OperationError("bad_request", "marker (-m) selection is pytest-only");
  const targets = await jailTargets(options.root, params, { nodeIds: false });
  // npm has taken the `--`: a target that starts with '-' would read as an option.
  const option = targets.find((target) => target.startsWith("-"));
  if (option !== undefined) {
    throw new OperationError("bad_request", `'${option}' would read as an option of the test script`);
  }
  const env = { ...options.env, CI: "true" };
  if (/\bvitest\b/.test(script)) {
    const reportFile = path.join(options.workDir, "vitest.json");
    const keyword = params.keyword === undefined ? [] : [`--testNamePattern=${params.keyword}`];
    const reporters = ["--reporter=default", "--reporter=json", `--outputFile.json=${reportFile}`];
    const argv: [string, ...string[]] = ["npm", "test", "--", ...reporters, ...keyword, ...targets];
    return { framework: "vitest", argv, reportFile, coverageFile: null, env };
  }
  if (params.keyword !== undefined) {
    throw new OperationError("bad_request", "keyword selection needs pytest or vitest; this test script is neither");
  }
  const argv: [string, ...string[]] = targets.length > 0 ? ["npm", "test", "--", ...targets] : ["npm", "test"];
  return { framework: "npm", argv, reportFile: null, coverageFile: null, env };
}

async function planPytest(options: PlanOptions): Promise<TestPlan> {
  const { root, params, workDir } = options;
  const python = (await resolveProjectTool(root, "python", options.config.pythonCommand)).command;
  const targets = await jailTargets(root, params, { nodeIds: true });
  // Nothing of the run is written into the project: no bytecode, no coverage data file, no cache.
  const env = { ...options.env, PYTHONDONTWRITEBYTECODE: "1", COVERAGE_FILE: path.join(workDir, ".coverage") };
  const reportFile = path.join(workDir, "junit.xml");
  const coverageFile = (await hasPytestCov(python, env, options.config.stateDir))
    ? path.join(workDir, "coverage.json")
    : null;
  const argv: [string, ...string[]] = [
    python,
    "-m",
    "pytest",
    "-p",
    "no:cacheprovider",
    "-o",
    "junit_family=xunit1",
    "-rfEX",
    `--junitxml=${reportFile}`,
  ];
  if (coverageFile !== null) argv.push("--cov", `--cov-report=json:${coverageFile}`);
  // `-k=expr` keeps an expression that starts with '-' from reading as an option.
  if (params.keyword !== undefined) argv.push(`-k=${params.keyword}`);
  if (params.marker !== undefined) argv.push(`-m=${params.marker}`);
  argv.push("--", ...targets);
  return { framework: "pytest", argv, reportFile, coverageFile, env };
}

async function isPythonProject(root: string): Promise<boolean> {
  if (PYTHON_MARKERS.some((name) => existsSync(path.join(root, name)))) return true;
  const tests = await readdir(path.join(root, "tests")).catch(() => []);
  return tests.some((name) => name.endsWith(".py"));
}

async function testScript(root: string): Promise<string | null> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path.join(root, "package.json"), "utf8"));
  } catch {
    return null;
  }
  const parsed = PackageJson.safeParse(json);
  const script = parsed.success ? parsed.data.scripts?.test : undefined;
  return typeof script === "string" ? script : null;
}

/**
 * The suite folder and the requested paths, each proven inside the project
 * and existing. With `nodeIds`, the part after the first `::` (a pytest node
 * id) is kept as given; only the file part is a path.
 */
async function jailTargets(root: string, params: Params, options: { nodeIds: boolean }): Promise<string[]> {
  const targets: string[] = [];
  if (params.suite !== undefined) {
    const folder = `tests/${params.suite}`;
    const jailed = await jailPath(root, folder);
    const stats = await stat(jailed.absolute).catch(() => null);
    if (stats?.isDirectory() !== true) throw new OperationError("not_found", `the project has no ${folder}/ folder`);
    targets.push(jailed.relative);
  }
  for (const requested of params.paths) {
    const split = options.nodeIds ? requested.indexOf("::") : -1;
    const file = split === -1 ? requested : requested.slice(0, split);
    const rest = split === -1 ? "" : requested.slice(split);
    const jailed = await jailPath(root, file);
    if (!existsSync(jailed.absolute)) throw new OperationError("not_found", `'${file}' does not exist in the project`);
    targets.push(`${jailed.relative === "" ? "." : jailed.relative}${rest}`);
  }
  return targets;
}
