/**
 * A real operation context for agent tests: a temp projects root, a real
 * SQLite state database and outbox, and a runtime manager. Call (and await,
 * when an app may run) `dispose()` in afterEach.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { readConfig } from "../../src/config.ts";
import type { OperationContext } from "../../src/operations/context.ts";
import { ProjectCatalog } from "../../src/operations/projects.ts";
import { RuntimeManager } from "../../src/operations/runtime/manager.ts";
import { openAgentDb } from "../../src/state/db.ts";
import { Outbox } from "../../src/state/outbox.ts";

export interface TestContext extends OperationContext {
  /** The temp directory holding `projects/` and `state/`. */
  dir: string;
  /** How many times operations woke the link. */
  wakes: () => number;
  runtime: RuntimeManager;
  /** Ends the managed app (if any), then closes the database and removes the directory. */
  dispose: () => Promise<void>;
}

export function createTestContext(env: NodeJS.ProcessEnv = {}): TestContext {
  const dir = mkdtempSync(path.join(os.tmpdir(), "att-agent-test-"));
  const root = path.join(dir, "projects");
  mkdirSync(root);
  const config = readConfig([], {
    ATT_AGENT_TOKEN: "test-agent-token",
    ATT_PROJECTS_DIR: root,
    ATT_AGENT_STATE_DIR: path.join(dir, "state"),
    ...env,
  });
  const { db, close } = openAgentDb(config.stateDir);
  let wakes = 0;
  const eventsQueued = (): void => {
    wakes += 1;
  };
  const outbox = new Outbox(db);
  const catalog = new ProjectCatalog({ db, root, stopApp: (id) => runtime.stopProject(id) });
  const runtime: RuntimeManager = new RuntimeManager({ config, db, catalog, outbox, eventsQueued });
  const release = (): void => {
    close();
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    dir,
    config,
    db,
    catalog,
    outbox,
    runtime,
    eventsQueued,
    wakes: () => wakes,
    // Synchronous when nothing runs, so callers that do not await still clean up at once.
    dispose: () => {
      if (!runtime.active) {
        runtime.logs.close(); // its batching timers must not fire once the database is closed
        release();
        return Promise.resolve();
      }
      return runtime.shutdown().then(release);
    },
  };
}
