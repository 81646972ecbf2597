/**
 * `npm start`: the control plane under wrangler dev plus a local agent paired
 * to it, on 127.0.0.1. Prints `ATT ready: <url>` once the agent is linked;
 * Ctrl-C stops both.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startAgent } from "../agent.ts";
import { ConfigError, readConfig } from "../config.ts";
import { startControlPlane, waitForHealth } from "./control-plane.ts";
import { ensureWebBuild } from "./web-build.ts";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const newToken = () => randomBytes(24).toString("base64url");

async function main(): Promise<void> {
  const port = Number(process.env.ATT_PORT ?? "8787");
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new ConfigError(`ATT_PORT must be a port number, got '${process.env.ATT_PORT}'`);
  const givenToken = process.env.ATT_TOKEN;
  const userToken = givenToken !== undefined && givenToken !== "" ? givenToken : newToken();
  // Browsers send the token as a WebSocket subprotocol, which allows only token characters.
  if (!/^[A-Za-z0-9._~-]+$/.test(userToken))
    throw new ConfigError(
      "ATT_TOKEN may contain only letters, digits and . _ ~ - (the browser sends it as a WebSocket subprotocol); " +
        "try `openssl rand -hex 24`",
    );
  const agentToken = process.env.ATT_AGENT_TOKEN || newToken();
  const runDir = path.join(repoRoot, ".wrangler", "att");

  await ensureWebBuild(repoRoot, (line) => console.log(line));
  console.log(`Starting the control plane on http://127.0.0.1:${port} (logs: ${path.join(runDir, "wrangler.log")})`);
  const controlPlane = startControlPlane({
    repoRoot,
    port,
    userToken,
    agentToken,
    persistTo: process.env.ATT_STATE_DIR ?? path.join(repoRoot, ".wrangler", "state"),
    runDir,
    // Set by the launcher: the commit this release runs, reported by /health.
    extraVars: process.env.ATT_BUILD === undefined ? {} : { ATT_BUILD: process.env.ATT_BUILD },
  });
  try {
    await waitForHealth({
      url: controlPlane.url,
      ready: () => true,
      timeoutMs: 60_000,
      exited: controlPlane.process.exited,
    });
  } catch (error) {
    console.error(`The control plane did not start: ${(error as Error).message}.`);
    console.error(tail(controlPlane.logFile));
    console.error("Is the port free? Set ATT_PORT to use another one.");
    await controlPlane.stop();
    process.exit(1);
  }

  console.log("Starting the local agent…");
  const agent = startAgent(
    readConfig([], { ...process.env, ATT_AGENT_TOKEN: agentToken, ATT_SERVER: controlPlane.url }),
  );
  await waitForHealth({ url: controlPlane.url, ready: (h) => h.agent.connected, timeoutMs: 30_000 });

  console.log(`ATT ready: ${controlPlane.url}`);
  if (givenToken === undefined || givenToken === "") {
    console.log(`Open (signs you in): ${controlPlane.url}/#token=${userToken}`);
    console.log(`API token for scripts: Authorization: Bearer ${userToken}`);
  } else {
    console.log(`Open: ${controlPlane.url} (sign in with your ATT_TOKEN)`);
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the agent and the control plane…`);
    await agent.stop();
    await controlPlane.stop();
    console.log("Stopped.");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  void controlPlane.process.exited.then(async (code) => {
    if (stopping) return;
    console.error(`The control plane exited unexpectedly (code ${code}).`);
    console.error(tail(controlPlane.logFile));
    await agent.stop();
    process.exit(1);
  });
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`att: ${message}`);
  process.exit(1);
});
