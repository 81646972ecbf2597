/**
 * An app left running by an agent process that was killed: the next agent
 * ends its process group when the recorded pid still runs `nat`, and leaves
 * an unrelated process that reused the pid alone. Real processes; the
 * "nat" one is a node script named `nat`, as NAT's own is a Python script.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { endLeftoverApp, rememberApp } from "../src/operations/runtime/leftover.ts";
import { type GroupProcess, spawnGroup } from "../src/process/group.ts";
import { createTestContext, type TestContext } from "./support/context.ts";

let context: TestContext;
const started: GroupProcess[] = [];

beforeEach(() => {
  context = createTestContext();
});

afterEach(async () => {
  for (const group of started.splice(0)) await group.stop(1000);
  await context.dispose();
});

const SLEEP = "setInterval(() => {}, 1000)";

function sleeper(...args: string[]): GroupProcess {
  const group = spawnGroup({
    argv: [process.execPath, ...args],
    cwd: context.dir,
    env: { PATH: process.env.PATH ?? "" },
    onLine: () => {},
  });
  started.push(group);
  return group;
}

it("ends the recorded group when its leader still runs nat", async () => {
  const script = path.join(context.dir, "nat");
  writeFileSync(script, SLEEP);
  const app = sleeper(script, "serve");
  rememberApp(context.db, app.pid ?? 0);
  expect(await endLeftoverApp(context.db, 2000)).toBe(app.pid);
  const exit = await app.exited;
  expect(exit.signal).toBe("SIGTERM");
  expect(await endLeftoverApp(context.db)).toBeNull(); // the record is gone
});

it("leaves a process alone whose command line is not nat's (a reused pid)", async () => {
  // Its command line mentions nat in a path (/home/nathan/...), but it does not run nat.
  const other = sleeper("-e", SLEEP, "/home/nathan/nat-tools/nat.yml");
  rememberApp(context.db, other.pid ?? 0);
  expect(await endLeftoverApp(context.db, 500)).toBeNull();
  expect(other.running()).toBe(true);
});
