/**
 * The self-bootstrap cycle timed: one trivial change on a copy of ATT's own
 * repository run by its launcher (the same set-up as the end-to-end test),
 * split by step, with the requests a client kept sending through the
 * launcher's proxy during the whole cycle and how many failed.
 * Beside it, the same probe against a plain restart of the control plane
 * (stop, then start, as without the launcher) for comparison.
 * `ATT_BENCH_ONLY=self npm run bench`. Not a test: it asserts nothing about speed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { SwitchRecord, Workflow } from "@att/shared";
import { startControlPlane, waitForHealth } from "../../agent/src/start/control-plane.ts";
import { SelfRepo } from "../support/self-repo.ts";
import { freePort, repoRoot } from "../support/stack.ts";

/** The split of the cycle, by workflow step. */
const PHASES: Array<[string, string[]]> = [
  ["branch + edit + commit", ["plan", "branch", "edit-1", "commit"]],
  ["local tests", ["tests"]],
  ["pull request", ["pr"]],
  ["CI (local provider)", ["ci"]],
  ["merge + back to main", ["merge", "checkout-base"]],
  ["restart to healthy", ["restart", "healthy"]],
];

const seconds = (ms: number) => `${(ms / 1000).toFixed(1).padStart(7)} s`;

export async function benchSelf(): Promise<void> {
  const self = new SelfRepo();
  try {
    self.prepare();
    const launchStarted = performance.now();
    await self.launch();
    const launchMs = performance.now() - launchStarted;
    const { projects } = await self.json<{ projects: Array<{ id: string; name: string }> }>("/api/v1/projects");
    const projectId = projects.find((p) => p.name === "att")?.id;
    if (projectId === undefined) throw new Error("the copy of ATT is not a project");

    const probe = self.probe();
    const workflow = await self.change(projectId, {
      title: "Docs: benchmark line",
      files: [{ path: "docs/self-change-bench.md", content: `# Benchmarked at ${new Date().toISOString()}\n` }],
    });
    const done = await self.settled(workflow.id);
    const traffic = await probe.stop();
    if (done.status !== "succeeded") throw new Error(`the cycle did not succeed: ${JSON.stringify(done.error)}`);

    console.log("\nSelf-bootstrap cycle, one trivial change (local provider, quick test paths)");
    console.log(`  launcher start to healthy (first release)  ${seconds(launchMs)}`);
    for (const [label, ids] of PHASES) console.log(`  ${label.padEnd(42)} ${seconds(sum(done, ids))}`);
    console.log(`  ${"whole workflow".padEnd(42)} ${seconds(done.durationMs ?? 0)}`);
    const record = (done.steps.find((s) => s.id === "healthy")?.result as { switch: SwitchRecord } | null)?.switch;
    if (record !== undefined) {
      console.log("  the launcher's switch:");
      for (const step of record.steps) console.log(`    ${step.name.padEnd(40)} ${seconds(step.durationMs ?? 0)}`);
      console.log(`    requests held during the switch: ${record.heldRequests}, longest hold ${record.maxHoldMs} ms`);
    }
    console.log(
      `  requests during the cycle (GET /api/v1/projects every 50 ms through the proxy): ${traffic.sent} sent, ${traffic.failed.length} failed`,
    );
    if (traffic.failed.length > 0) console.log(`    failures: ${[...new Set(traffic.failed)].join("; ")}`);
  } finally {
    await self.dispose();
  }
  const plain = await plainRestart();
  console.log(
    `  for comparison, a plain restart of the control plane (stop, start; no launcher): ${plain.sent} sent, ${plain.failed} failed, ${seconds(plain.downMs)} without an answer`,
  );
}

/** The same probe across `wrangler dev` stopped and started again on its port: what a restart costs without the launcher. */
async function plainRestart(): Promise<{ sent: number; failed: number; downMs: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "att-bench-plain-"));
  const port = await freePort();
  const options = {
    repoRoot,
    port,
    userToken: `user-${crypto.randomUUID()}`,
    agentToken: `agent-${crypto.randomUUID()}`,
    persistTo: path.join(dir, "state"),
    runDir: path.join(dir, "run"),
  };
  const url = `http://127.0.0.1:${port}`;
  let running = true;
  let sent = 0;
  let failed = 0;
  let firstFailure: number | null = null;
  let lastFailure: number | null = null;
  let controlPlane = startControlPlane(options);
  try {
    await waitForHealth({ url, ready: () => true, timeoutMs: 60_000 });
    const probe = (async () => {
      while (running) {
        sent += 1;
        try {
          const response = await fetch(`${url}/api/v1/health`);
          await response.arrayBuffer();
          if (!response.ok) throw new Error(String(response.status));
        } catch {
          failed += 1;
          firstFailure ??= performance.now();
          lastFailure = performance.now();
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await controlPlane.stop();
    controlPlane = startControlPlane(options);
    await waitForHealth({ url, ready: () => true, timeoutMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    running = false;
    await probe;
  } finally {
    await controlPlane.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const downMs = firstFailure === null || lastFailure === null ? 0 : lastFailure - firstFailure;
  return { sent, failed, downMs };
}

function sum(workflow: Workflow, ids: string[]): number {
  return workflow.steps.filter((s) => ids.includes(s.id)).reduce((total, s) => total + (s.durationMs ?? 0), 0);
}
