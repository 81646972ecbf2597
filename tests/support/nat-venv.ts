/**
 * A Python virtual environment with NVIDIA NeMo Agent Toolkit (NAT) for tests
 * that run the real `nat`: created once in `.cache/nat-venv` at the repo root
 * and reused while it still imports. Tests that need NAT fail when it cannot
 * be built (for example when PyPI is unreachable); they never skip.
 *
 * Also a script: `node tests/support/nat-venv.ts` builds it (CI does this
 * before `npm test`, so the first test does not pay for the install).
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const natVenvDir: string = path.join(repoRoot, ".cache", "nat-venv");

/**
 * langchain: `tool_calling_agent` and the LangChain client of the test LLM;
 * mcp: `nat mcp serve`; nvidia-nat-test: the offline `nat_test_llm`.
 * setuptools: installing a template with `--no-build-isolation` (no downloads).
 * sqlalchemy[asyncio]: NAT 1.9's `nat serve` imports SQLAlchemy's asyncio
 * module, which needs greenlet, and nothing else in the set pulls it in.
 * nvidia-nat-profiler: `nat eval`'s profiler section and the avg_* evaluators
 * (latency, runtime, per-step timing), offline; brings matplotlib, scipy and
 * scikit-learn (about 100 MB installed).
 * schemathesis: schema-driven fuzzing of the control plane's OpenAPI document
 * (tests/integration/schemathesis.test.ts); pinned, since its CLI and checks
 * change between releases.
 */
export const NAT_REQUIREMENTS: readonly string[] = [
  "nvidia-nat[langchain,mcp]~=1.8",
  "nvidia-nat-test~=1.8",
  "nvidia-nat-profiler~=1.8",
  "sqlalchemy[asyncio]",
  "setuptools>=70",
  "wheel",
  "schemathesis==4.32.5",
];
const STAMP = "att-requirements.json";
const PYTHONS = ["python3.13", "python3.12", "python3.11", "python3"];

export interface NatVenv {
  nat: string;
  python: string;
  pip: string;
  /** Schemathesis's CLI. */
  st: string;
}

interface RunResult {
  code: number | null;
  output: string;
}

/** Runs a command to completion, keeping the last 64 KiB of its output. */
function run(command: string, args: readonly string[], options: { timeoutMs: number }): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env } });
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-65_536);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: null, output: error.message });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function progress(message: string): void {
  process.stderr.write(`nat-venv: ${message}\n`);
}

/** The first Python 3.11-3.13 on PATH (NAT needs >=3.11,<3.14). */
async function findPython(): Promise<string> {
  const tried: string[] = [];
  for (const candidate of PYTHONS) {
    const result = await run(candidate, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], {
      timeoutMs: 10_000,
    });
    const version = result.output.trim();
    if (result.code === 0 && /^3\.1[123]$/.test(version)) return candidate;
    tried.push(`${candidate}: ${result.code === 0 ? version : "not found"}`);
  }
  throw new Error(`NAT needs Python 3.11, 3.12 or 3.13; found none (${tried.join("; ")})`);
}

function paths(): NatVenv {
  const bin = path.join(natVenvDir, "bin");
  return {
    nat: path.join(bin, "nat"),
    python: path.join(bin, "python"),
    pip: path.join(bin, "pip"),
    st: path.join(bin, "st"),
  };
}

/** "ready": nothing to do; "stale": a working venv whose requirements changed; "missing": build it. */
async function venvState(venv: NatVenv): Promise<"ready" | "stale" | "missing"> {
  const stamp = path.join(natVenvDir, STAMP);
  if (!existsSync(venv.nat) || !existsSync(stamp)) return "missing";
  const check = await run(venv.python, ["-c", "import nat.cli.main, nat.test.llm, langchain_core, setuptools"], {
    timeoutMs: 60_000,
  });
  if (check.code !== 0) return "missing";
  return readFileSync(stamp, "utf8") === JSON.stringify(NAT_REQUIREMENTS) ? "ready" : "stale";
}

const UNREACHABLE =
  /(NewConnectionError|ConnectTimeout|Max retries exceeded|Temporary failure in name resolution|Network is unreachable|Could not fetch URL|No matching distribution found)/;

async function pipInstall(venv: NatVenv): Promise<void> {
  const started = Date.now();
  const ticker = setInterval(() => {
    progress(`still installing (${Math.round((Date.now() - started) / 1000)} s)`);
  }, 20_000);
  const result = await run(venv.pip, ["install", "--progress-bar", "off", ...NAT_REQUIREMENTS], {
    timeoutMs: 20 * 60_000,
  }).finally(() => clearInterval(ticker));
  if (result.code === 0) return;
  const tail = result.output.split("\n").slice(-15).join("\n");
  if (UNREACHABLE.test(result.output)) {
    throw new Error(`cannot reach PyPI to install NAT (${NAT_REQUIREMENTS.join(" ")}); tests need it:\n${tail}`);
  }
  throw new Error(`pip install ${NAT_REQUIREMENTS.join(" ")} failed (exit ${result.code}):\n${tail}`);
}

let pending: Promise<NatVenv> | undefined;

/** Creates the venv, or reuses it when it is present and imports NAT. */
export function ensureNatVenv(): Promise<NatVenv> {
  pending ??= build().catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}

async function build(): Promise<NatVenv> {
  const venv = paths();
  const state = await venvState(venv);
  if (state === "ready") return venv;
  if (state === "stale") {
    // Installing into the working venv adds only what changed, and tests using it meanwhile keep working.
    progress(`updating ${natVenvDir} to ${NAT_REQUIREMENTS.join(" ")}`);
    await pipInstall(venv);
    writeFileSync(path.join(natVenvDir, STAMP), JSON.stringify(NAT_REQUIREMENTS));
    return venv;
  }
  const python = await findPython();
  progress(`creating ${natVenvDir} with ${python}`);
  rmSync(natVenvDir, { recursive: true, force: true });
  const created = await run(python, ["-m", "venv", natVenvDir], { timeoutMs: 120_000 });
  if (created.code !== 0) {
    throw new Error(
      `'${python} -m venv' failed (on Debian/Ubuntu install python3-venv): ${created.output.trim().slice(-2000)}`,
    );
  }
  progress(`installing ${NAT_REQUIREMENTS.join(" ")} (a few minutes the first time)`);
  await pipInstall(venv);
  writeFileSync(path.join(natVenvDir, STAMP), JSON.stringify(NAT_REQUIREMENTS));
  const version = await run(venv.nat, ["--version"], { timeoutMs: 120_000 });
  if (version.code !== 0) throw new Error(`nat --version failed after install: ${version.output.slice(-2000)}`);
  progress(`ready: ${version.output.trim()}`);
  return venv;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureNatVenv().then(
    (venv) => {
      progress(`nat at ${venv.nat}`);
    },
    (error: unknown) => {
      process.stderr.write(`nat-venv: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
