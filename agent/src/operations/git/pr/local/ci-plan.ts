/**
 * Which command is a project's CI: `.att/ci.json`, else `npm test`, else
 * pytest, else none. Read from the commit under test, not the working tree.
 */
import { z } from "zod";
import { gitRaw } from "../git.ts";

const DEFAULT_TIMEOUT_SECONDS = 600;

const CiFile = z.object({
  command: z.array(z.string().min(1)).min(1).max(256),
  timeoutSeconds: z.number().int().min(1).max(86_400).optional(),
});

const PackageJson = z.object({ scripts: z.record(z.string(), z.unknown()).optional() });

export type CiPlan =
  | { kind: "command"; name: string; argv: [string, ...string[]]; timeoutMs: number }
  /** The project asked for CI but its configuration is unusable: the run fails and says why. */
  | { kind: "invalid"; name: string; reason: string };

/** The CI plan for `sha` in `repo`, or null when the project has no tests to run. */
export async function planCi(repo: string, sha: string): Promise<CiPlan | null> {
  const ciFile = await readAt(repo, sha, ".att/ci.json");
  if (ciFile !== null) return fromCiFile(ciFile);
  const timeoutMs = DEFAULT_TIMEOUT_SECONDS * 1000;
  const packageJson = await readAt(repo, sha, "package.json");
  if (packageJson !== null && hasTestScript(packageJson)) {
    return { kind: "command", name: "npm test", argv: ["npm", "test"], timeoutMs };
  }
  if ((await existsAt(repo, sha, "pyproject.toml")) || (await existsAt(repo, sha, "tests"))) {
    return { kind: "command", name: "pytest", argv: ["python", "-m", "pytest", "-q"], timeoutMs };
  }
  return null;
}

function fromCiFile(text: string): CiPlan {
  const name = ".att/ci.json";
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: "invalid", name, reason: ".att/ci.json is not valid JSON" };
  }
  const parsed = CiFile.safeParse(json);
  if (!parsed.success) {
    return { kind: "invalid", name, reason: `.att/ci.json must be {"command": [argv...], "timeoutSeconds"?: n}` };
  }
  const [program, ...args] = parsed.data.command;
  if (program === undefined) return { kind: "invalid", name, reason: ".att/ci.json has an empty command" };
  return {
    kind: "command",
    name: parsed.data.command.join(" ").slice(0, 200),
    argv: [program, ...args],
    timeoutMs: (parsed.data.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
  };
}

function hasTestScript(text: string): boolean {
  try {
    const parsed = PackageJson.safeParse(JSON.parse(text));
    return parsed.success && typeof parsed.data.scripts?.test === "string";
  } catch {
    return false;
  }
}

async function readAt(repo: string, sha: string, file: string): Promise<string | null> {
  const result = await gitRaw(repo, ["show", `${sha}:${file}`]);
  return result.exitCode === 0 ? result.stdout : null;
}

async function existsAt(repo: string, sha: string, file: string): Promise<boolean> {
  return (await gitRaw(repo, ["cat-file", "-e", `${sha}:${file}`])).exitCode === 0;
}
