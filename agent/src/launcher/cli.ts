/**
 * `att-launcher` / `npm run launch`: the long-lived process that is not ATT.
 * It serves ATT's public port through its proxy, runs one release of the
 * checkout at a time, and switches (or rolls back) when ATT asks it to.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { isRepositoryRoot } from "../operations/git/pr/git.ts";
import { startApi } from "./api.ts";
import { holdLimit, TrafficGate } from "./gate.ts";
import { History } from "./history.ts";
import { lockHome } from "./lock.ts";
import { type LauncherOptions, parseOptions, UsageError } from "./options.ts";
import { startProxy } from "./proxy.ts";
import { RELEASE_STOP_GRACE_MS } from "./run.ts";
import { Switcher } from "./switcher.ts";

const newToken = () => randomBytes(24).toString("base64url");
const say = (line: string) => process.stdout.write(`${line}\n`);

export async function main(argv: string[]): Promise<void> {
  try {
    await run(parseOptions(argv));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`att-launcher: ${message}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  }
}

async function run(options: LauncherOptions): Promise<void> {
  if (!(await isRepositoryRoot(options.repo)))
    throw new UsageError(`--repo ${options.repo} is not the top of a git checkout`);
  const givenToken = process.env.ATT_TOKEN;
  const userToken = givenToken !== undefined && givenToken !== "" ? givenToken : newToken();
  // The same rule as `npm start`: a release that refused its token would look like a broken commit.
  if (!/^[A-Za-z0-9._~-]+$/.test(userToken))
    throw new UsageError("ATT_TOKEN may contain only letters, digits and . _ ~ - (try `openssl rand -hex 24`)");
  const agentToken = process.env.ATT_AGENT_TOKEN || newToken();
  const apiToken = newToken();
  const { home } = options;
  for (const dir of [
    home,
    path.join(home, "logs"),
    path.join(home, "releases"),
    path.join(home, "state", "wrangler"),
    path.join(home, "state", "agent"),
  ])
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  lockHome(home);

  // Held requests wait as long as a switch can take (a rollback included), derived from the health timeout.
  const gate = new TrafficGate(
    holdLimit({ healthTimeoutMs: options.healthTimeoutMs, stopGraceMs: RELEASE_STOP_GRACE_MS }),
  );
  const history = new History(path.join(home, "launcher.json"));
  const env: Record<string, string> = {
    ATT_TOKEN: userToken,
    ATT_AGENT_TOKEN: agentToken,
    ATT_LAUNCHER_TOKEN: apiToken,
  };
  const switcher = new Switcher({ ...options, env, gate, history, say });
  const api = await startApi({ token: apiToken, switcher });
  env.ATT_LAUNCHER_URL = api.url;
  const proxy = await startProxy({ port: options.port, gate }).catch(async (error: unknown) => {
    await api.close();
    throw new Error(`cannot listen on 127.0.0.1:${options.port}: ${(error as Error).message}`);
  });
  const url = `http://127.0.0.1:${proxy.port}`;
  say(`ATT launcher for ${options.repo} (${options.branch}) on ${url}; home ${home}`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping ATT and the launcher…`);
    await switcher.shutdown();
    await Promise.all([proxy.close(), api.close()]);
    say("Stopped.");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));

  if (!(await switcher.start())) {
    if (stopping) return;
    await Promise.all([proxy.close(), api.close()]);
    throw new Error(`no release of ${options.branch} could start; see the logs in ${path.join(home, "logs")}`);
  }
  say(`ATT ready: ${url}`);
  if (givenToken === undefined || givenToken === "") {
    say(`Open (signs you in): ${url}/#token=${userToken}`);
    say(`API token for scripts: Authorization: Bearer ${userToken}`);
  } else {
    say(`Open: ${url} (sign in with your ATT_TOKEN)`);
  }
}
