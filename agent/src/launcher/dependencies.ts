/**
 * What a fresh release needs besides its sources, made while the old release
 * still serves (nothing slow is left for the hold). node_modules are
 * hard-linked from the previous release (or the checkout itself) when
 * package-lock.json is byte-identical, else installed with npm. The web UI is
 * copied when nothing under web/ changed, else built here, so `npm start`
 * finds it fresh. Both work in the release's staging directory (releases.ts):
 * an interrupted prepare is thrown away, never reused.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { appendFile, cp, readFile, utimes } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { gitRaw } from "../operations/git/pr/git.ts";
import { type GroupProcess, startGroup } from "../start/processes.ts";
import { ensureWebBuild } from "../start/web-build.ts";

const run = promisify(execFile);
/** Where npm workspaces may keep their own node_modules. */
const MODULE_DIRS = ["", "agent", "web", "worker", "shared"];
const NPM_INSTALL_TIMEOUT_MS = 15 * 60_000;

export interface Source {
  dir: string;
  sha: string | null;
}

/** Told of every process group a prepare starts, so a shutdown stops it too. */
export type OnGroup = (group: GroupProcess) => void;

/** Hard-links node_modules from the first source with the same lock file, or runs npm install. */
export async function installDependencies(options: {
  dir: string;
  sources: Source[];
  logFile: string;
  onGroup: OnGroup;
}): Promise<string> {
  const { dir } = options;
  const lock = await readOrNull(path.join(dir, "package-lock.json"));
  for (const source of options.sources) {
    if (!existsSync(path.join(source.dir, "node_modules"))) continue;
    const theirs = await readOrNull(path.join(source.dir, "package-lock.json"));
    const same = lock === null ? theirs === null : theirs !== null && lock.equals(theirs);
    if (!same) continue;
    for (const sub of MODULE_DIRS) {
      const from = path.join(source.dir, sub, "node_modules");
      if (existsSync(from)) await linkTree(from, path.join(dir, sub, "node_modules"));
    }
    return `node_modules hard-linked from ${source.dir}`;
  }
  if (!existsSync(path.join(dir, "package.json"))) return "no package.json: nothing to install";
  await npmInstall(dir, options.logFile, options.onGroup);
  return "npm install (package-lock.json changed)";
}

/**
 * Copies web/build from `previous` when web/ is the same at both commits,
 * then runs the very check `npm start` runs (web-build.ts), which builds the
 * UI when the copy was not possible; says what happened.
 */
export async function prepareWebBuild(options: {
  repo: string;
  dir: string;
  previous: Source | null;
  sha: string;
  logFile: string;
  onGroup: OnGroup;
}): Promise<string> {
  const { dir } = options;
  if (!existsSync(path.join(dir, "web"))) return "no web/: nothing to build";
  const copied = await copyWebBuild(options);
  let built = false;
  try {
    await ensureWebBuild(
      dir,
      () => {
        built = true;
      },
      { onStart: options.onGroup },
    );
  } catch (error) {
    // Its log lives in the release's .wrangler/: keep a copy with the release's own log.
    const log = await readOrNull(path.join(dir, ".wrangler", "web-build.log"));
    if (log !== null) await appendFile(options.logFile, Buffer.concat([Buffer.from("--- web build ---\n"), log]));
    throw error;
  }
  if (built) return `${copied.detail}: built the UI`;
  return copied.done ? copied.detail : `${copied.detail}: web/build is up to date`;
}

async function copyWebBuild(options: {
  repo: string;
  dir: string;
  previous: Source | null;
  sha: string;
}): Promise<{ done: boolean; detail: string }> {
  const { previous, dir } = options;
  const target = path.join(dir, "web", "build");
  if (previous?.sha == null) return { done: false, detail: "no previous release" };
  const built = path.join(previous.dir, "web", "build");
  if (!existsSync(path.join(built, "index.html")))
    return { done: false, detail: "the previous release has no web/build" };
  const diff = await gitRaw(options.repo, ["diff", "--quiet", previous.sha, options.sha, "--", "web/"]);
  if (diff.exitCode !== 0) return { done: false, detail: "web/ changed" };
  await cp(built, target, { recursive: true, verbatimSymlinks: true });
  // web-build.ts rebuilds when a source is newer than index.html; the checkout just wrote every source.
  const now = new Date();
  await utimes(path.join(target, "index.html"), now, now);
  return { done: true, detail: `web/build copied from ${previous.dir}` };
}

/** `cp -al` (hard links, symlinks kept as they are); a plain copy when links cannot be made. */
async function linkTree(from: string, to: string): Promise<void> {
  try {
    await run("cp", ["-al", from, to]);
  } catch {
    await cp(from, to, { recursive: true, verbatimSymlinks: true, force: true });
  }
}

async function npmInstall(dir: string, logFile: string, onGroup: OnGroup): Promise<void> {
  await appendFile(logFile, `--- launcher: npm install --no-audit --no-fund in ${dir} ---\n`, { mode: 0o600 });
  const npm = startGroup({
    command: "npm",
    args: ["install", "--no-audit", "--no-fund"],
    cwd: dir,
    // npm's own script finds `node` on PATH: make it this Node.
    env: {
      ...process.env,
      PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}`,
      npm_config_update_notifier: "false",
    },
    logFile,
  });
  onGroup(npm);
  const timer = setTimeout(() => void npm.stop(), NPM_INSTALL_TIMEOUT_MS);
  const code = await npm.exited;
  clearTimeout(timer);
  npm.signal("SIGKILL");
  if (code !== 0) throw new Error(`npm install failed (exit ${code ?? "killed"}); see ${logFile}`);
}

async function readOrNull(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch {
    return null;
  }
}
