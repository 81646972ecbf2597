/**
 * The launcher's command line: which checkout of ATT it runs, on which branch
 * and port, and where it keeps releases, logs and state (outside the
 * repository, so tools that scan the repository never find release copies).
 */
import { createHash } from "node:crypto";
import { realpathSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

export interface LauncherOptions {
  /** The ATT checkout (absolute, symlinks resolved); the launcher's own by default. */
  repo: string;
  branch: string;
  /** Public port; 0 picks a free one. */
  port: number;
  home: string;
  healthTimeoutMs: number;
}

export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The checkout this launcher's own source lives in. */
const OWN_CHECKOUT = fileURLToPath(new URL("../../../", import.meta.url));

export const USAGE =
  "usage: att-launcher [--repo <ATT checkout, default: this one>] [--branch main] [--port 8787] [--home <dir>] [--health-timeout-ms 120000]";

export function parseOptions(argv: string[]): LauncherOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      options: {
        repo: { type: "string" },
        branch: { type: "string", default: "main" },
        port: { type: "string", default: "8787" },
        home: { type: "string" },
        "health-timeout-ms": { type: "string", default: "120000" },
      },
    }).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  // By default the launcher runs the checkout it belongs to.
  const given = typeof values.repo === "string" && values.repo !== "" ? values.repo : OWN_CHECKOUT;
  let repo: string;
  try {
    repo = realpathSync(path.resolve(given));
  } catch {
    throw new UsageError(`--repo ${given} does not exist`);
  }
  const branch = String(values.branch);
  if (!/^[A-Za-z0-9._/-]+$/.test(branch) || branch.startsWith("-")) throw new UsageError(`bad --branch '${branch}'`);
  const port = integer(values.port, "--port", 0, 65535);
  const healthTimeoutMs = integer(values["health-timeout-ms"], "--health-timeout-ms", 1000, 3_600_000);
  const home = typeof values.home === "string" && values.home !== "" ? path.resolve(values.home) : defaultHome(repo);
  return { repo, branch, port, home, healthTimeoutMs };
}

/** `~/.att/launcher/<12 hex of the repository's path>`: one home per checkout. */
export function defaultHome(repo: string): string {
  const id = createHash("sha256").update(repo).digest("hex").slice(0, 12);
  return path.join(os.homedir(), ".att", "launcher", id);
}

function integer(value: unknown, flag: string, min: number, max: number): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max)
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got '${String(value)}'`);
  return parsed;
}
