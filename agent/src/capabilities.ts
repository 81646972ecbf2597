/** What this machine offers: versions of the agent, OS, git, Python and NAT (when found). */
import { readFileSync } from "node:fs";
import os from "node:os";
import type { Capabilities } from "@att/shared";
import { execa } from "execa";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
export const AGENT_VERSION: string = pkg.version;

async function versionOf(command: string, args: string[], pattern: RegExp): Promise<string | null> {
  const result = await execa(command, args, { reject: false, timeout: 10_000, all: true });
  if (result.exitCode !== 0 || result.all === undefined) return null;
  return pattern.exec(result.all)?.[1] ?? null;
}

export async function detectCapabilities(options: { projectsDir: string; natCommand: string }): Promise<Capabilities> {
  const [git, python, nat] = await Promise.all([
    versionOf("git", ["--version"], /git version (\S+)/),
    versionOf("python3", ["--version"], /Python (\S+)/),
    versionOf(options.natCommand, ["--version"], /version (\S+)/i),
  ]);
  return {
    agentVersion: AGENT_VERSION,
    os: { platform: os.platform(), release: os.release(), arch: os.arch() },
    node: process.versions.node,
    git,
    python,
    nat,
    projectsDir: options.projectsDir,
  };
}
