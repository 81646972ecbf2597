/**
 * Deploys with the real NAT (the chatbot template on NAT's offline test LLM):
 * a healthy release goes live, one that dies at startup and one NAT rejects
 * are rolled back to the live release, an explicit rollback, the status, and
 * a changed artifact refused while the live release keeps running. The tests
 * run in order on one project, each building on the releases before it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Project, Release, RuntimeStatus } from "@att/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureNatVenv } from "../../tests/support/nat-venv.ts";
import { getRelease } from "../src/operations/deploy/store.ts";
import { operationError } from "./deploy-helpers.ts";
import { eventsOf, projects } from "./projects-helpers.ts";
import { callOperation } from "./support/call.ts";
import { createTestContext, type TestContext } from "./support/context.ts";

const NAT_TIMEOUT_MS = 240_000;

let context: TestContext;
let project: Project;
let configFile: string;
let goodConfig: string;
const released: Release[] = [];

beforeAll(async () => {
  const venv = await ensureNatVenv();
  context = createTestContext({ ATT_NAT_COMMAND: venv.nat, ATT_PYTHON_COMMAND: venv.python });
  project = (await projects.create(context, { name: "deploy_bot", template: "chatbot" })).project;
  configFile = path.join(project.path, project.natConfigPath ?? "configs/config.yml");
  goodConfig = readFileSync(configFile, "utf8");
}, NAT_TIMEOUT_MS);
afterAll(async () => {
  await context?.dispose();
});

/** Writes the project's config, builds a release of it and keeps it in `released`. */
async function release(config: string): Promise<Release> {
  writeFileSync(configFile, config);
  const built = (await callOperation(context, "deploy.build", { projectId: project.id })).release;
  released.push(built);
  return built;
}

async function expectLive(runtime: RuntimeStatus, releaseId: string): Promise<void> {
  expect(runtime).toMatchObject({ state: "running", releaseId, projectId: project.id });
  expect(context.runtime.status(project.id)).toMatchObject({ state: "running", releaseId });
  const health = await fetch(`${runtime.url}/health`, { signal: AbortSignal.timeout(5000) });
  expect(health.status).toBe(200);
}

function completedEvent(deploymentId: string) {
  return eventsOf(context).find(
    (event) => event.type === "deploy.completed" && event.payload.deploymentId === deploymentId,
  )?.payload;
}

/** Validates, but `tool_calling_agent` cannot use the test LLM: NAT dies building the workflow. */
const diesAtStartup = `functions:
  clock:
    _type: current_datetime
llms:
  main:
    _type: nat_test_llm
    response_seq: ["never answered"]
    delay_ms: 0
workflow:
  _type: tool_calling_agent
  llm_name: main
  tool_names: [clock]
`;

describe("deploys with the real NAT", () => {
  it(
    "deploys v1: it goes live from its unpacked release and answers /health",
    async () => {
      const v1 = await release(goodConfig);
      const { deployment, runtime } = await callOperation(context, "deploy.run", { projectId: project.id });
      expect(deployment).toMatchObject({
        releaseId: v1.id,
        version: 1,
        kind: "deploy",
        outcome: "succeeded",
        reason: null,
        previousReleaseId: null,
        restoredReleaseId: null,
      });
      await expectLive(runtime, v1.id);
      expect(context.runtime.lastSpec(project.id)?.root).toBe(
        path.join(context.config.stateDir, "deployments", project.id, v1.id),
      );
      expect(completedEvent(deployment.id)).toMatchObject({ outcome: "succeeded", releaseId: v1.id });
    },
    NAT_TIMEOUT_MS,
  );

  it(
    "rolls a release that dies at startup back to v1, with NAT's exception as the reason",
    async () => {
      const [v1] = released;
      const v2 = await release(diesAtStartup);
      const { deployment, runtime } = await callOperation(context, "deploy.run", {
        projectId: project.id,
        healthTimeoutSeconds: 120,
      });
      expect(deployment).toMatchObject({
        releaseId: v2.id,
        version: 2,
        outcome: "rolled_back",
        previousReleaseId: v1?.id,
        restoredReleaseId: v1?.id,
      });
      expect(deployment.reason).toContain("before it became healthy");
      expect(deployment.reason).toContain("TypeError: Expected a Runnable");
      await expectLive(runtime, v1?.id ?? "");
      expect(completedEvent(deployment.id)).toEqual({
        deploymentId: deployment.id,
        releaseId: v2.id,
        version: 2,
        kind: "deploy",
        outcome: "rolled_back",
        reason: deployment.reason,
        restoredReleaseId: v1?.id ?? null,
      });
    },
    NAT_TIMEOUT_MS,
  );

  it(
    "never stops v1 for a release NAT rejects, and reports NAT's message",
    async () => {
      const [v1] = released;
      const before = context.runtime.status(project.id);
      const v3 = await release(goodConfig.replace("_type: chat_completion", "_type: no_such_workflow"));
      const { deployment, runtime } = await callOperation(context, "deploy.run", { projectId: project.id });
      expect(deployment).toMatchObject({ releaseId: v3.id, outcome: "rolled_back", restoredReleaseId: v1?.id });
      expect(deployment.reason).toMatch(/workflow type `no_such_workflow` not found/);
      expect(deployment.reason).toContain("chat_completion"); // NAT lists the types it knows
      await expectLive(runtime, v1?.id ?? "");
      expect(runtime.pid).toBe(before.pid);
      expect(runtime.startedAt).toBe(before.startedAt);
    },
    NAT_TIMEOUT_MS,
  );

  it(
    "rolls back explicitly to v1 after a successful v4, and refuses to roll back to the live release",
    async () => {
      const [v1] = released;
      const v4 = await release(goodConfig.replace("Hello from", "Hi again from"));
      const deployed = await callOperation(context, "deploy.run", { projectId: project.id, releaseId: v4.id });
      expect(deployed.deployment).toMatchObject({ outcome: "succeeded", previousReleaseId: v1?.id });
      await expectLive(deployed.runtime, v4.id);

      const live = await operationError(
        callOperation(context, "deploy.rollback", { projectId: project.id, releaseId: v4.id }),
      );
      expect(live.code).toBe("conflict");
      expect(live.details).toMatchObject({ reason: "already_current" });

      const { deployment, runtime } = await callOperation(context, "deploy.rollback", {
        projectId: project.id,
        releaseId: v1?.id ?? "",
      });
      expect(deployment).toMatchObject({
        releaseId: v1?.id,
        version: 1,
        kind: "rollback",
        outcome: "succeeded",
        previousReleaseId: v4.id,
      });
      await expectLive(runtime, v1?.id ?? "");
    },
    NAT_TIMEOUT_MS,
  );

  it("reports the live release, every release and the history newest first", async () => {
    const status = await callOperation(context, "deploy.status", { projectId: project.id });
    expect(status.current?.id).toBe(released[0]?.id);
    expect(status.releases.map((r) => r.version)).toEqual([4, 3, 2, 1]);
    expect(status.history.map((d) => [d.kind, d.version, d.outcome])).toEqual([
      ["rollback", 1, "succeeded"],
      ["deploy", 4, "succeeded"],
      ["deploy", 3, "rolled_back"],
      ["deploy", 2, "rolled_back"],
      ["deploy", 1, "succeeded"],
    ]);
    expect(status.docker.used).toBe(false);
    expect(status.docker.detail).toContain("local processes");
  });

  it(
    "refuses a release whose artifact changed, and the live release keeps running",
    async () => {
      const [v1, , , v4] = released;
      const before = context.runtime.status(project.id);
      const artifact = getRelease(context.db, project.id, v4?.id ?? "").artifactPath;
      const bytes = readFileSync(artifact);
      bytes[bytes.length - 30] = (bytes[bytes.length - 30] ?? 0) ^ 0x01;
      writeFileSync(artifact, bytes);
      const error = await operationError(
        callOperation(context, "deploy.run", { projectId: project.id, releaseId: v4?.id }),
      );
      expect(error.code).toBe("precondition_failed");
      expect(error.details).toMatchObject({ reason: "checksum_mismatch" });
      const after = context.runtime.status(project.id);
      expect(after).toMatchObject({ state: "running", releaseId: v1?.id, pid: before.pid });
      expect((await callOperation(context, "deploy.status", { projectId: project.id })).history).toHaveLength(5);
    },
    NAT_TIMEOUT_MS,
  );
});
