/**
 * The environment a project's processes get: the agent's own, minus its
 * secrets, plus the project's `.env`, plus variables given in the request.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseEnv } from "node:util";

/** Secrets of the agent that a project's processes have no business seeing. */
export const WITHHELD_ENV: readonly string[] = [
  "GITHUB_TOKEN",
  "GH_TOKEN",
  "ATT_AGENT_TOKEN",
  "ATT_TOKEN",
  "ATT_LAUNCHER_TOKEN",
];

/** NAT asks no telemetry question and flushes its logs line by line. */
export const NAT_ENV: Readonly<Record<string, string>> = { NAT_TELEMETRY_ENABLED: "false", PYTHONUNBUFFERED: "1" };

/** The agent's environment without its secrets. */
export function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !WITHHELD_ENV.includes(name)) env[name] = value;
  }
  return env;
}

/** The variables of `<root>/.env`, or none when there is no such file. */
export async function readDotEnv(root: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(path.join(root, ".env"), "utf8");
  } catch {
    return {};
  }
  const parsed = parseEnv(text);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) if (value !== undefined) env[name] = value;
  return env;
}

/** Inherited, then `.env`, then the request's variables, then NAT's fixed settings. */
export async function projectEnv(
  root: string,
  extra: Readonly<Record<string, string>>,
): Promise<Record<string, string>> {
  return { ...inheritedEnv(), ...(await readDotEnv(root)), ...extra, ...NAT_ENV };
}
