/** Composition root: opens local state, builds the operations and the link, and runs them. */
import { mkdirSync } from "node:fs";
import os from "node:os";
import { detectCapabilities } from "./capabilities.ts";
import { type AgentConfig, linkUrl } from "./config.ts";
import { AgentLink } from "./link/link.ts";
import { executeRequest } from "./link/requests.ts";
import { log } from "./log.ts";
import { stopLocalCi } from "./operations/git/pr/index.ts";
import { stopMcpServers } from "./operations/mcp/index.ts";
import { sweepLeftovers } from "./operations/projects/staging.ts";
import { ProjectCatalog } from "./operations/projects.ts";
import { reapOrphanedRuns, stopRuns } from "./operations/runs/index.ts";
import { endLeftoverApp } from "./operations/runtime/leftover.ts";
import { RuntimeManager } from "./operations/runtime/manager.ts";
import { confineProcesses } from "./process/confine.ts";
import { configureRedaction } from "./security/redact.ts";
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
  // Nothing leaves the machine with a secret in it (link frames, log lines), whatever the control plane asks.
  configureRedaction({
    tokens: [config.token, config.launcher?.token, config.github.token],
    env: process.env,
    projectsDir: config.projectsDir,
  });
  // Processes start only in the agent's own folders (temporary worktrees are made under the temp folder).
  const unconfine = confineProcesses([
    { dir: config.projectsDir },
    { dir: config.stateDir },
    { dir: os.tmpdir(), namePrefix: "att-worktree-" },
  ]);
  reapOrphanedRuns(db); // runs a killed agent left "running" can never finish: say so in their records
  const outbox = new Outbox(db);
  const responses = new ResponseStore(db);
  // Deleting a project stops its app first; the catalog only learns of the runtime through this seam.
  const catalog = new ProjectCatalog({ db, root: config.projectsDir, stopApp: (id) => runtime.stopProject(id) });
  const runtime: RuntimeManager = new RuntimeManager({
    config,
    db,
    catalog,
    outbox,
    eventsQueued: () => link.eventsQueued(),
  });
  const capabilities = detectCapabilities({ projectsDir: config.projectsDir, natCommand: config.natCommand });
  const link: AgentLink = new AgentLink({
    url: linkUrl(config.server),
    token: config.token,
    agentId: agentId(db),
    capabilities: () => capabilities,
    projects: () => catalog.list(),
    outbox,
    responses,
    execute: (frame) =>
      executeRequest(frame, { config, db, catalog, outbox, runtime, eventsQueued: () => link.eventsQueued() }),
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    heartbeatTimeoutMs: config.heartbeatTimeoutMs,
    backoff: { baseMs: config.backoffBaseMs, maxMs: config.backoffMaxMs },
    window: config.eventWindow,
  });
  // An app the previous agent process could not stop (it was killed) would hold its port: end it.
  const orphan = endLeftoverApp(db).then(
    (pid) => {
      if (pid !== null) log("info", "ended the NAT app a previous agent process left running", { pid });
    },
    (error: unknown) => log("warn", "could not check for a leftover NAT app", { error: String(error) }),
  );
  // Start the link only once leftovers are gone, so no operation can be staging meanwhile.
  let stopping = false;
  const ready = Promise.all([swept, orphan]);
  void ready.then(() => {
    if (!stopping) link.start();
  });
  return {
    link,
    stop: async () => {
      stopping = true;
      await ready;
      await link.stop();
      await stopLocalCi(); // CI runs are child process groups: end them rather than orphan them
      await stopRuns(); // the same for test runs, `nat run` and `nat eval`
      await stopMcpServers(); // stdio MCP servers of the hub: each its own process group
      await runtime.shutdown(); // before the db closes: the app's last lines are still being stored
      close();
      unconfine();
    },
  };
}
