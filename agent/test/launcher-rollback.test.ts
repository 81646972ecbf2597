/**
 * The launcher refusing a commit that does not start: the previous version
 * serves again (no request fails meanwhile), the commit is reverted on the
 * branch, and the record says why. A commit that cannot even be prepared is
 * not reverted: the old version never stopped. Also: the history outlives the
 * launcher, and a stop in the middle of npm install leaves nothing running
 * and nothing half-made that a later switch would reuse.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { HealthResponse, SwitchRecord } from "@att/shared";
import { afterEach, describe, expect, it } from "vitest";
import {
  alive,
  makeWorld,
  packageJson,
  poll,
  spawnLauncher,
  startLauncher,
  trafficOn,
  type World,
} from "./fixtures/launcher/harness.ts";

const TIMEOUT = { timeout: 60_000 };
let world: World | undefined;

afterEach(async () => {
  await world?.cleanup();
  world = undefined;
});

async function build(url: string): Promise<string | null> {
  return HealthResponse.parse(await (await fetch(`${url}/api/v1/health`)).json()).build;
}

async function switchTo(launcher: Awaited<ReturnType<typeof startLauncher>>, sha: string): Promise<SwitchRecord> {
  const response = await launcher.call("POST", "/switch", { sha });
  expect(response.status).toBe(202);
  const { switch: started } = (await response.json()) as { switch: SwitchRecord };
  return launcher.settle(started.id);
}

describe("launcher rollback", () => {
  it("rolls back a merge that exits at start and reverts it on the branch", TIMEOUT, async () => {
    world = makeWorld();
    const first = world.git("rev-parse", "HEAD");
    const fixtureBefore = readFileSync(path.join(world.repo, "fixture.json"), "utf8");
    const launcher = await startLauncher(world);
    world.git("checkout", "-q", "-b", "broken");
    world.commit({ "fixture.json": '{ "exitCode": 3 }\n' }, "break the start");
    world.git("checkout", "-q", "main");
    world.git("merge", "-q", "--no-ff", "-m", "Merge broken", "broken");
    const merge = world.git("rev-parse", "HEAD");

    const traffic = trafficOn(launcher.url);
    const record = await switchTo(launcher, merge);
    const results = await traffic.stop();

    expect(record.state).toBe("rolled_back");
    expect(record.reason).toContain("exited with code 3");
    expect(record.reason).toContain("fixture: failing on purpose with code 3");
    expect(record.steps.map((step) => [step.name, step.ok])).toEqual([
      ["verify", true],
      ["checkout", true],
      ["dependencies", true],
      ["web build", true],
      ["drain", true],
      [`stop ${first.slice(0, 7)}`, true],
      [`start ${merge.slice(0, 7)}`, false],
      [`restart ${first.slice(0, 7)}`, true],
      [`revert ${merge.slice(0, 7)}`, true],
    ]);
    expect(results.filter((result) => "error" in result || result.status !== 200)).toEqual([]);
    expect(results.every((result) => "build" in result && result.build === first)).toBe(true);
    expect(await build(launcher.url)).toBe(first);
    expect((await launcher.status()).current?.sha).toBe(first);

    // The revert is the new tip of main (fast-forwarded in the checkout, which has main), and undoes the merge.
    expect(record.revertSha).toBe(world.git("rev-parse", "main"));
    expect(world.git("rev-parse", `${record.revertSha}^`)).toBe(merge);
    expect(readFileSync(path.join(world.repo, "fixture.json"), "utf8")).toBe(fixtureBefore);
    expect(world.git("status", "--porcelain", "--untracked-files=no")).toBe("");
    expect(world.git("log", "-1", "--format=%B", "main")).toContain(`This reverts commit ${merge}`);
    expect(launcher.output()).toContain(`rolled back to ${first.slice(0, 7)}: ${merge.slice(0, 7)} exited with code 3`);
    // The failed release is gone (its log stays); the running one is kept.
    expect(readFileSync(path.join(world.home, "logs", `${merge}.log`), "utf8")).toContain("failing on purpose");
    expect(existsSync(path.join(world.home, "releases", merge))).toBe(false);
    expect(existsSync(path.join(world.home, "releases", first))).toBe(true);
    expect(world.git("worktree", "list")).not.toContain(merge);

    // A plain commit, with main checked out nowhere: the revert moves the ref by compare-and-swap.
    const plain = world.commit({ "fixture.json": '{ "exitCode": 4 }\n' }, "break it again");
    world.git("checkout", "-q", "--detach");
    const again = await switchTo(launcher, plain);
    expect(again.state).toBe("rolled_back");
    expect(again.reason).toContain("exited with code 4");
    expect(again.revertSha).toBe(world.git("rev-parse", "main"));
    expect(world.git("rev-parse", `${again.revertSha}^`)).toBe(plain);
    expect(world.git("show", `main:fixture.json`)).toBe(fixtureBefore.trim());
    expect(await build(launcher.url)).toBe(first);
  });

  it(
    "fails a switch whose release cannot be prepared without reverting it: the old version serves on",
    TIMEOUT,
    async () => {
      world = makeWorld();
      const first = world.git("rev-parse", "HEAD");
      const launcher = await startLauncher(world);
      const broken = world.commit({ "web/src/page.txt": "BREAK THE BUILD\n" }, "a UI that does not build");

      const traffic = trafficOn(launcher.url);
      const record = await switchTo(launcher, broken);
      const results = await traffic.stop();

      expect(record.state).toBe("failed");
      expect(record.revertSha).toBeNull();
      expect(record.reason).toContain("could not prepare the release: the web UI build failed (exit 1)");
      expect(record.steps.map((step) => [step.name, step.ok])).toEqual([
        ["verify", true],
        ["checkout", true],
        ["dependencies", true],
        ["web build", false],
      ]);
      // Traffic was never held and never failed: the old version did not stop.
      expect(record.heldRequests).toBe(0);
      expect(results.filter((result) => "error" in result || result.status !== 200)).toEqual([]);
      expect(results.every((result) => "build" in result && result.build === first)).toBe(true);
      expect(await build(launcher.url)).toBe(first);
      expect((await launcher.status()).current?.sha).toBe(first);
      // The branch is untouched; the build's own error is kept with the release's log.
      expect(world.git("rev-parse", "main")).toBe(broken);
      expect(launcher.output()).toContain(`switch to ${broken.slice(0, 7)} failed: could not prepare the release`);
      expect(launcher.output()).toContain(`${first.slice(0, 7)} serves on`);
      expect(launcher.output()).not.toContain("reverted");
      expect(readFileSync(path.join(world.home, "logs", `${broken}.log`), "utf8")).toContain("broken on purpose");
      expect(existsSync(path.join(world.home, "releases", broken))).toBe(false);

      // The launcher is not stuck: the fix is switched to.
      const fixed = world.commit({ "web/src/page.txt": "fixed\n" }, "fix the UI");
      const next = await switchTo(launcher, fixed);
      expect(next.state, next.reason ?? "").toBe("healthy");
      expect(await build(launcher.url)).toBe(fixed);
    },
  );

  it(
    "stops npm install with the launcher; the next start installs again instead of reusing a half-made release",
    TIMEOUT,
    async () => {
      world = makeWorld();
      const head = world.git("rev-parse", "HEAD");
      // Nothing to hard-link from: the first release needs its own npm install, whose postinstall hangs.
      rmSync(path.join(world.repo, "node_modules"), { recursive: true, force: true });
      const pidFile = path.join(world.root, "install-hook.pid");
      const first = spawnLauncher(world, { env: { ATT_TEST_INSTALL_PID_FILE: pidFile } });
      const hook = await poll(() => (existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8")) : undefined), 30_000);
      expect(alive(hook)).toBe(true);
      expect(readdirSync(path.join(world.home, "releases"))).toEqual([`${head}.preparing`]);

      expect(await first.stop()).toBe(0);
      await first.waitForOutput("Stopped.");
      // npm's whole process group went with the launcher (polled: a killed process lingers until it is reaped).
      await poll(() => (alive(hook) ? undefined : true), 5000);

      const launcher = await startLauncher(world);
      expect(await build(launcher.url)).toBe(head);
      const [started, interrupted] = (await launcher.status()).history;
      expect(interrupted).toMatchObject({ toSha: head, state: "failed" });
      expect(started?.state).toBe("healthy");
      expect(started?.steps.find((step) => step.name === "checkout")?.detail).toContain(
        "removed an interrupted prepare",
      );
      expect(started?.steps.find((step) => step.name === "dependencies")?.detail).toContain("npm install");
      expect(readdirSync(path.join(world.home, "releases"))).toEqual([head]);
    },
  );

  it(
    "rolls back a version that answers health but never gets its agent, once the health timeout passes",
    TIMEOUT,
    async () => {
      world = makeWorld();
      const first = world.git("rev-parse", "HEAD");
      const launcher = await startLauncher(world, 3000);
      const stuck = world.commit({ "fixture.json": '{ "agentNeverConnects": true }\n' }, "agent never connects");
      const record = await switchTo(launcher, stuck);
      expect(record.state).toBe("rolled_back");
      expect(record.reason).toContain("was not healthy within 3 s (the agent never connected)");
      expect(record.maxHoldMs).toBeGreaterThanOrEqual(0);
      expect(record.revertSha).toBe(world.git("rev-parse", "main"));
      expect(await build(launcher.url)).toBe(first);
    },
  );

  it(
    "stops cleanly in the middle of a switch: no revert, the new release stopped, the switch recorded as failed",
    TIMEOUT,
    async () => {
      world = makeWorld();
      const first = world.git("rev-parse", "HEAD");
      let launcher = await startLauncher(world);
      const slow = world.commit({ "fixture.json": '{ "startDelayMs": 60000 }\n' }, "takes a minute to listen");
      const response = await launcher.call("POST", "/switch", { sha: slow });
      const { switch: started } = (await response.json()) as { switch: SwitchRecord };
      await poll(async () => {
        const { switch: now } = (await (await launcher.call("GET", `/switches/${started.id}`)).json()) as {
          switch: SwitchRecord;
        };
        return now.steps.some((step) => step.name === `start ${slow.slice(0, 7)}`) ? true : undefined;
      }, 20_000);
      const starting = readFileSync(path.join(world.home, "logs", `${slow}.log`), "utf8");
      const port = /starting \S+ on 127\.0\.0\.1:(\d+)/.exec(starting)?.[1];
      expect(await launcher.stop()).toBe(0);

      expect(world.git("rev-parse", "main")).toBe(slow);
      await launcher.waitForOutput("Stopped.");
      expect(launcher.output()).not.toContain("reverted");
      // The new release (not listening yet) was stopped with the launcher: its port can be taken again.
      await new Promise<void>((resolve, reject) => {
        const server = net.createServer().once("error", reject);
        server.listen(Number(port), "127.0.0.1", () => server.close(() => resolve()));
      });

      launcher = await startLauncher(world);
      expect(await build(launcher.url)).toBe(first);
      const record = (await launcher.status()).history.find((entry) => entry.id === started.id);
      expect(record?.state).toBe("failed");
      expect(record?.reason).toContain("stopped during the switch");
    },
  );

  it("runs the last healthy commit again after a restart of the launcher, with its history", TIMEOUT, async () => {
    world = makeWorld();
    const first = world.git("rev-parse", "HEAD");
    let launcher = await startLauncher(world);
    // A new package-lock.json: this release gets its own npm install.
    writeFileSync(path.join(world.repo, "package.json"), packageJson("1.0.1"));
    world.npmInstall();
    const second = world.commit({}, "bump the version");
    const switched = await switchTo(launcher, second);
    expect(switched.state, switched.reason ?? "").toBe("healthy");
    expect(switched.steps.find((step) => step.name === "dependencies")?.detail).toContain("npm install");
    expect(await launcher.stop()).toBe(0);

    // main moves on, but the launcher comes back on what last ran healthy.
    world.commit({ "web/src/page.txt": "later\n" }, "later work");
    launcher = await startLauncher(world);
    expect(await build(launcher.url)).toBe(second);
    const status = await launcher.status();
    expect(status.current?.sha).toBe(second);
    expect(status.history.map((entry) => [entry.toSha, entry.state])).toEqual([
      [second, "healthy"],
      [second, "healthy"],
      [first, "healthy"],
    ]);
    expect(status.history[1]?.id).toBe(switched.id);
    const previous = await launcher.call("GET", `/switches/${switched.id}`);
    expect(SwitchRecord.parse(((await previous.json()) as { switch: unknown }).switch)).toEqual(switched);
  });
});
