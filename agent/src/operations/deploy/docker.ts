/**
 * Whether a Docker engine answers on this machine, asked with `docker info`
 * (bounded to a few seconds) and remembered for a while, since status is
 * polled. Releases run as local processes either way for now.
 */
import { execa } from "execa";

export interface DockerSupport {
  available: boolean;
  used: boolean;
  detail: string;
}

const PROBE_TIMEOUT_MS = 3000;
const REMEMBER_MS = 5 * 60_000;

let cached: { at: number; support: Promise<DockerSupport> } | null = null;

async function probe(): Promise<DockerSupport> {
  const result = await execa("docker", ["info", "--format", "{{.ServerVersion}}"], {
    reject: false,
    timeout: PROBE_TIMEOUT_MS,
    stdin: "ignore",
    maxBuffer: 64 * 1024,
  });
  if (result.exitCode === 0) {
    return {
      available: true,
      used: false,
      detail: `Docker engine present (${result.stdout.trim()}); ATT runs releases as local processes (container deploys are not built yet)`,
    };
  }
  return { available: false, used: false, detail: `${whyNot(result)}; releases run as local processes` };
}

function whyNot(result: { code?: string; timedOut: boolean; stderr: string }): string {
  if (result.code === "ENOENT") return "Docker engine not found (no docker command)";
  if (result.timedOut)
    return `Docker engine not found (\`docker info\` gave no answer within ${PROBE_TIMEOUT_MS / 1000} s)`;
  const said = result.stderr.trim().split("\n")[0]?.slice(0, 200) ?? "";
  return `Docker engine not found (\`docker info\` failed${said === "" ? "" : `: ${said}`})`;
}

export function dockerSupport(now: number = Date.now()): Promise<DockerSupport> {
  if (cached === null || now - cached.at > REMEMBER_MS) cached = { at: now, support: probe() };
  return cached.support;
}
