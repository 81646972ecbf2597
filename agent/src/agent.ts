/** Composition root: opens local state, builds the operations and the link, and runs them. */
import { mkdirSync } from "node:fs";
import { detectCapabilities } from "./capabilities.ts";
import { type AgentConfig, linkUrl } from "./config.ts";
import { AgentLink } from "./link/link.ts";
import { executeRequest } from "./link/requests.ts";
import { log } from "./log.ts";
import { stopLocalCi } from "./operations/git/pr/index.ts";
import { sweepLeftovers } from "./operations/projects/staging.ts";
import { ProjectCatalog } from "./operations/projects.ts";
import { openAgentDb } from "./state/db.ts";
import { agentId } from "./state/meta.ts";
import { Outbox } from "./state/outbox.ts";
import { ResponseStore } from "./state/responses.ts";

export interface RunningAgent {
  link: AgentLink;
  stop: () => Promise<void>;
}

export function startAgent(config: AgentConfig): RunningAgent {
  mkdirSync(config.projectsDir, { recursive: true });
  const swept = sweepLeftovers(config.projectsDir).then((names) => {
    if (names.length > 0) log("info", "removed leftovers of interrupted project operations", { names });
  });
  const { db, close } = openAgentDb(config.stateDir);
  const outbox = new Outbox(db);
  const responses = new ResponseStore(db);
  const catalog = new ProjectCatalog({ db, root: config.projectsDir });
  const capabilities = detectCapabilities({ projectsDir: config.projectsDir, natCommand: config.natCommand });
  const link: AgentLink = new AgentLink({
    url: linkUrl(config.server),
    token: config.token,
    agentId: agentId(db),
    capabilities: () => capabilities,
    projects: () => catalog.list(),
    outbox,
    responses,
    execute: (frame) => executeRequest(frame, { config, db, catalog, outbox, eventsQueued: () => link.eventsQueued() }),
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    heartbeatTimeoutMs: config.heartbeatTimeoutMs,
    backoff: { baseMs: config.backoffBaseMs, maxMs: config.backoffMaxMs },
    window: config.eventWindow,
  });
  // Start the link only once leftovers are gone, so no operation can be staging meanwhile.
  let stopping = false;
  void swept.then(() => {
    if (!stopping) link.start();
  });
  return {
    link,
    stop: async () => {
      stopping = true;
      await swept;
      await link.stop();
      await stopLocalCi(); // CI runs are child process groups: end them rather than orphan them
      close();
    },
  };
}
