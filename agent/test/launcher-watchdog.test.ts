/**
 * The launcher's watchdog: when the version that serves exits on its own, the
 * same release runs again (after a backoff that doubles while it keeps
 * dying), requests meanwhile wait instead of failing, and each restart is
 * recorded in the history.
 */
import { HealthResponse } from "@att/shared";
import { afterEach, describe, expect, it } from "vitest";
import { fixturePids, makeWorld, poll, startLauncher, type World } from "./fixtures/launcher/harness.ts";

const TIMEOUT = { timeout: 60_000 };
let world: World | undefined;

afterEach(async () => {
  await world?.cleanup();
  world = undefined;
});

describe("launcher watchdog", () => {
  it("runs the release again when it exits on its own, holding requests meanwhile", TIMEOUT, async () => {
    world = makeWorld();
    const head = world.git("rev-parse", "HEAD");
    const launcher = await startLauncher(world);

    // It exits, and its next start takes 2 s to listen (after the watchdog's 1 s): a long window to be held in.
    expect((await fetch(`${launcher.url}/fixture/exit?code=7&nextStartDelayMs=2000`)).status).toBe(200);
    await launcher.waitForOutput(`ATT ${head.slice(0, 7)} exited on its own (code 7)`);
    // From here on the gate holds: this request waits for the restart instead of failing.
    const held = await fetch(`${launcher.url}/echo`, { method: "POST", body: "held" });
    expect(held.status).toBe(200);
    expect(((await held.json()) as { build: string }).build).toBe(head);
    await launcher.waitForOutput(`restarting ${head.slice(0, 7)} in 1 s`);
    await launcher.waitForOutput(`restarted ${head.slice(0, 7)} after it exited on its own`);
    expect(fixturePids(world, head)).toHaveLength(2);

    const status = await launcher.status();
    expect(status.current?.sha).toBe(head);
    expect(status.switching).toBe(false);
    const [restart] = status.history;
    expect(restart).toMatchObject({ fromSha: head, toSha: head, state: "healthy", revertSha: null });
    expect(restart?.reason).toContain("exited on its own (code 7)");
    expect(restart?.steps.map((step) => [step.name, step.ok])).toEqual([[`restart ${head.slice(0, 7)}`, true]]);
    expect(restart?.heldRequests).toBeGreaterThan(0);

    // It dies again soon after: the next restart waits twice as long.
    expect((await fetch(`${launcher.url}/fixture/exit?code=9`)).status).toBe(200);
    await launcher.waitForOutput(`restarting ${head.slice(0, 7)} in 2 s`);
    await poll(async () => {
      const answer = await fetch(`${launcher.url}/api/v1/health`);
      return answer.status === 200 ? HealthResponse.parse(await answer.json()) : undefined;
    }, 20_000);
    expect(fixturePids(world, head)).toHaveLength(3);
    expect(
      (await launcher.status()).history.slice(0, 2).map((record) => record.reason?.match(/code \d+/)?.[0]),
    ).toEqual(["code 9", "code 7"]);

    // A switch still works afterwards, and stopping the launcher is not mistaken for a crash.
    const second = world.commit({ "fixture.json": "{}\n\n" }, "another version");
    const response = await launcher.call("POST", "/switch", { sha: second });
    const { switch: started } = (await response.json()) as { switch: { id: string } };
    expect((await launcher.settle(started.id)).state).toBe("healthy");
    expect(await launcher.stop()).toBe(0);
    expect(launcher.output()).not.toContain(`ATT ${second.slice(0, 7)} exited on its own`);
    expect(launcher.output().match(/^ATT \S+ exited on its own/gm)).toHaveLength(2);
  });
});
