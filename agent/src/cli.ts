/** `att-agent`: runs the local agent until SIGINT/SIGTERM. */

import { startAgent } from "./agent.ts";
import { ConfigError, readConfig } from "./config.ts";
import { log } from "./log.ts";

export function main(argv: readonly string[]): void {
  let config: ReturnType<typeof readConfig>;
  try {
    config = readConfig(argv, process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`att-agent: ${error.message}\n`);
    process.exit(2);
  }
  const agent = startAgent(config);
  log("info", "agent started", { server: config.server, projectsDir: config.projectsDir, pid: process.pid });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log("info", "agent stopping", { signal });
    void agent.stop().then(() => process.exit(process.exitCode ?? 0));
  };
  // The link stops by itself only when another agent replaced it: exit non-zero.
  agent.link.onStatus((status) => {
    if (status === "stopped" && !stopping) {
      process.exitCode = 1;
      shutdown("replaced");
    }
  });
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}
