/**
 * A real operation context for agent tests: a temp projects root, a real
 * SQLite state database and outbox. Call `dispose()` in afterEach.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { readConfig } from "../../src/config.ts";
import type { OperationContext } from "../../src/operations/context.ts";
import { ProjectCatalog } from "../../src/operations/projects.ts";
import { openAgentDb } from "../../src/state/db.ts";
import { Outbox } from "../../src/state/outbox.ts";

export interface TestContext extends OperationContext {
  /** The temp directory holding `projects/` and `state/`. */
  dir: string;
  /** How many times operations woke the link. */
  wakes: () => number;
  dispose: () => void;
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
  return {
    dir,
    config,
    db,
    catalog: new ProjectCatalog({ db, root }),
    outbox: new Outbox(db),
    eventsQueued: () => {
      wakes += 1;
    },
    wakes: () => wakes,
    dispose: () => {
      close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
