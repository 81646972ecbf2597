/**
 * `.att/self.json`: how a repository wants changes to itself made. Read from
 * the base branch's commit, never the working tree, so a change cannot relax
 * the rules it is judged by (and the file itself is high-risk).
 */
import { PrProvider, SELF_CONFIG_FILE } from "@att/shared";
import { minimatch } from "minimatch";
import { z } from "zod";
import { OperationError } from "../errors.ts";
import { gitRaw } from "../git/pr/git.ts";

/**
 * Always high-risk: CI configuration, the launcher (the watchdog itself),
 * authentication, and the rules file. A repository adds its own globs.
 */
export const BUILT_IN_HIGH_RISK: readonly string[] = [
  ".github/**",
  ".ci/**",
  SELF_CONFIG_FILE,
  ".att/ci.json",
  "agent/src/launcher/**",
  "agent/bin/att-launcher.js",
  "worker/src/http/**",
  "**/auth/**",
  "**/*auth*.{ts,mts,cts,js,mjs}",
  // npm runs these packages' install scripts, and the launcher runs npm.
  "package.json",
  "package-lock.json",
  "*/package.json",
];

/** Matching is case-insensitive and sees dot-folders, so `Auth.ts` or `.config/auth/` cannot slip past. */
export function matchesRule(file: string, glob: string): boolean {
  return minimatch(file, glob, { dot: true, nocase: true });
}

export const SelfConfig = z.object({
  tests: z
    .object({ paths: z.array(z.string().min(1).max(4096)).max(100).default([]) })
    .default({ paths: [] })
    .meta({ description: "What tests.run runs before the pull request; [] runs the whole test command." }),
  highRisk: z.array(z.string().min(1).max(512)).max(200).default([]),
  provider: PrProvider.optional(),
  branchPrefix: z
    .string()
    .regex(/^[A-Za-z0-9._/-]{1,64}$/)
    .default("att/self/"),
});
export type SelfConfig = z.infer<typeof SelfConfig>;

/** The repository's self config at `ref`, or the defaults when it has none. */
export async function readSelfConfig(repo: string, ref: string): Promise<SelfConfig> {
  const shown = await gitRaw(repo, ["show", `${ref}:${SELF_CONFIG_FILE}`]);
  if (shown.exitCode !== 0) return SelfConfig.parse({});
  let json: unknown;
  try {
    json = JSON.parse(shown.stdout);
  } catch {
    throw new OperationError("precondition_failed", `${SELF_CONFIG_FILE} on ${ref} is not valid JSON`);
  }
  const parsed = SelfConfig.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? "" : ` at ${issue.path.join(".") || "(root)"}: ${issue.message}`;
    throw new OperationError("precondition_failed", `${SELF_CONFIG_FILE} on ${ref} is invalid${where}`);
  }
  return parsed.data;
}
