/**
 * The control plane serves the UI from `web/build` (wrangler.toml [assets]).
 * Before it starts, rebuild the UI when any of its sources is newer than the
 * last build, so `npm start` and the tests never serve a stale or missing UI.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { type GroupProcess, startGroup } from "./processes.ts";

const SOURCES = ["src", "static", "vite.config.ts", "package.json"];
const STAMP = "index.html";

/** A lock older than this belongs to a build that died; a real build takes seconds. */
const STALE_LOCK_MS = 5 * 60_000;

export async function ensureWebBuild(
  repoRoot: string,
  say: (line: string) => void = () => {},
  /** `onStart` is told of the build's process group (the launcher stops it on shutdown). */
  options: { onStart?: (group: GroupProcess) => void } = {},
): Promise<void> {
  // Several test processes may start at once: one builds, the others wait and then find the build fresh.
  mkdirSync(path.join(repoRoot, ".wrangler"), { recursive: true });
  const lock = path.join(repoRoot, ".wrangler", "web-build.lock");
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held !== undefined && Date.now() - held.mtimeMs > STALE_LOCK_MS)
        rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    await buildIfStale(repoRoot, say, options.onStart);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function buildIfStale(
  repoRoot: string,
  say: (line: string) => void,
  onStart: ((group: GroupProcess) => void) | undefined,
): Promise<void> {
  const web = path.join(repoRoot, "web");
  const built = path.join(web, "build", STAMP);
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  if (builtAt > newestSource(web)) return;
  say(builtAt === 0 ? "Building the web UI…" : "Rebuilding the web UI (its sources changed)…");
  const vite = path.join(repoRoot, "node_modules", "vite", "bin", "vite.js");
  if (!existsSync(vite)) throw new Error(`vite is not installed at ${vite}: run \`npm install\` first`);
  const logFile = path.join(repoRoot, ".wrangler", "web-build.log");
  const build = startGroup({
    command: process.execPath,
    args: [vite, "build", "--logLevel", "warn"],
    cwd: web,
    env: { ...process.env, NODE_ENV: "production" },
    logFile,
  });
  onStart?.(build);
  const code = await build.exited;
  build.signal("SIGKILL"); // nothing the build started may outlive it
  if (code !== 0) throw new Error(`the web UI build failed (exit ${code}); see ${logFile}`);
}

function newestSource(web: string): number {
  let newest = 0;
  const visit = (entry: string) => {
    if (!existsSync(entry)) return;
    const stat = statSync(entry);
    newest = Math.max(newest, stat.mtimeMs);
    if (stat.isDirectory()) for (const name of readdirSync(entry)) visit(path.join(entry, name));
  };
  for (const source of SOURCES) visit(path.join(web, source));
  return newest;
}
