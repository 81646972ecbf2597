/**
 * The launcher on a real repository whose "ATT" is a small fixture server:
 * the first start, a healthy switch under continuous traffic (no request may
 * fail), an event stream that outlives the switch's start, WebSockets through
 * the proxy, and the API's refusals.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { HealthResponse, Problem, SwitchRecord } from "@att/shared";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import {
  alive,
  fixturePids,
  makeWorld,
  poll,
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

async function health(url: string): Promise<HealthResponse> {
  return HealthResponse.parse(await (await fetch(`${url}/api/v1/health`)).json());
}

async function accepted(response: Response): Promise<SwitchRecord> {
  expect(response.status).toBe(202);
  return SwitchRecord.parse(((await response.json()) as { switch: unknown }).switch);
}

async function problemOf(response: Response, status: number): Promise<Problem> {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  return Problem.parse(await response.json());
}

/** Opens a WebSocket through the proxy and resolves with its echo of `text`. */
async function echo(socket: WebSocket, text: string): Promise<string> {
  if (socket.readyState !== WebSocket.OPEN)
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  const answer = new Promise<string>((resolve) => socket.once("message", (data) => resolve(String(data))));
  socket.send(text);
  return answer;
}

/** fetch cannot set Host: a raw request can. */
function statusWithHost(url: string, host: string, token: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { host, authorization: `Bearer ${token}` } }, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.once("error", reject);
  });
}

describe("launcher", () => {
  it("starts the head of the branch behind its proxy and stops it on SIGTERM", TIMEOUT, async () => {
    world = makeWorld();
    const head = world.git("rev-parse", "HEAD");
    const launcher = await startLauncher(world);
    expect((await health(launcher.url)).build).toBe(head);

    const status = await launcher.status();
    expect(status.current).toMatchObject({ sha: head, version: "0.0.1-fixture" });
    expect(status.switching).toBe(false);
    expect(status.history).toHaveLength(1);
    expect(status.history[0]).toMatchObject({ toSha: head, fromSha: null, state: "healthy" });
    const release = path.join(world.home, "releases", head);
    expect(world.git("-C", release, "rev-parse", "HEAD")).toBe(head);
    // node_modules came from the checkout as hard links.
    const wsManifest = path.join("node_modules", "ws", "package.json");
    expect(statSync(path.join(release, wsManifest)).ino).toBe(statSync(path.join(world.repo, wsManifest)).ino);
    // The UI was built while preparing (in the staging directory, then moved into place), not by the start.
    expect(readFileSync(path.join(release, "web", "build", "index.html"), "utf8")).toContain(`${head}.preparing`);
    expect(readFileSync(path.join(world.home, "logs", `${head}.log`), "utf8")).not.toContain("missing or stale");
    expect(readdirSync(path.join(world.home, "releases"))).toEqual([head]);

    // One launcher per home.
    const second = await startLauncher(world).then(
      () => "started",
      (error: Error) => error.message,
    );
    expect(second).toContain("another launcher");
    expect(second).toContain("already uses");

    const internal = status.current?.port;
    const pids = fixturePids(world, head);
    expect(pids).toHaveLength(1);
    expect(await launcher.stop()).toBe(0);
    await launcher.waitForOutput("Stopped.");
    expect(alive(pids[0] as number)).toBe(false);
    await expect(fetch(`http://127.0.0.1:${internal}/api/v1/health`)).rejects.toThrow();
    await expect(fetch(`${launcher.url}/api/v1/health`)).rejects.toThrow();
  });

  it("switches to a new commit while requests keep flowing, without failing one", TIMEOUT, async () => {
    world = makeWorld();
    const first = world.git("rev-parse", "HEAD");
    const launcher = await startLauncher(world);
    // The new version takes a while to listen, so traffic is held for a visible moment.
    const second = world.commit({ "fixture.json": '{ "startDelayMs": 700 }\n' }, "start slowly");

    const traffic = trafficOn(launcher.url);
    const slow = trafficOn(launcher.url, "/slow?ms=400");
    await poll(async () => ((await health(launcher.url)).build === first ? true : undefined), 5000);
    const started = await accepted(
      await launcher.call("POST", "/switch", { sha: second.slice(0, 10), reason: "test" }),
    );
    expect(started).toMatchObject({ fromSha: first, toSha: second, state: "preparing" });
    const record = await launcher.settle(started.id);
    // A little more traffic once the new version serves.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const results = [...(await traffic.stop()), ...(await slow.stop())];

    expect(record.state).toBe("healthy");
    expect(record.finishedAt).not.toBeNull();
    expect(record.heldRequests).toBeGreaterThan(0);
    expect(record.maxHoldMs).toBeGreaterThan(0);
    expect(record.steps.map((step) => step.name)).toEqual([
      "verify",
      "checkout",
      "dependencies",
      "web build",
      "drain",
      `stop ${first.slice(0, 7)}`,
      `start ${second.slice(0, 7)}`,
    ]);
    expect(record.steps.every((step) => step.ok === true && step.durationMs !== null)).toBe(true);
    expect(record.steps.find((step) => step.name === "dependencies")?.detail).toContain("hard-linked");
    expect(record.steps.find((step) => step.name === "web build")?.detail).toContain("copied");

    const failures = results.filter((result) => "error" in result || result.status !== 200);
    expect(failures).toEqual([]);
    const builds = new Set(results.map((result) => ("build" in result ? result.build : null)));
    expect(builds).toEqual(new Set([first, second]));
    expect((await health(launcher.url)).build).toBe(second);
    expect(launcher.output()).toMatch(new RegExp(`switched to ${second.slice(0, 7)} in \\d+\\.\\d s`));

    // web/ did not change: the UI build was copied (made for the first release) and marked fresh.
    const copied = path.join(world.home, "releases", second, "web", "build", "index.html");
    expect(readFileSync(copied, "utf8")).toContain(first);
    expect(readFileSync(path.join(world.home, "logs", `${second}.log`), "utf8")).not.toContain("missing or stale");
    const status = await launcher.status();
    expect(status.current?.sha).toBe(second);
    expect(status.history.map((entry) => entry.id)).toContain(record.id);
  });

  it("lets an event stream that answers a request finish before the old version stops", TIMEOUT, async () => {
    world = makeWorld();
    const first = world.git("rev-parse", "HEAD");
    const launcher = await startLauncher(world);
    const second = world.commit({ "fixture.json": "{}\n\n" }, "another version");

    // Like an MCP tool call answered as an event stream: its result comes 1.5 s after it started.
    const call = await fetch(`${launcher.url}/sse?ms=1500`, { method: "POST", body: "{}" });
    const reader = call.body?.getReader();
    const decoder = new TextDecoder();
    expect(decoder.decode((await reader?.read())?.value)).toContain(`started by ${first}`);
    const record = await launcher.settle((await accepted(await launcher.call("POST", "/switch", { sha: second }))).id);
    let rest = "";
    for (let chunk = await reader?.read(); chunk !== undefined && !chunk.done; chunk = await reader?.read())
      rest += decoder.decode(chunk.value);

    expect(rest).toBe(`data: finished by ${first}\n\n`);
    expect(record.state).toBe("healthy");
    expect(record.steps.find((step) => step.name === "drain")?.detail).toBe("no request in flight");
    expect((await health(launcher.url)).build).toBe(second);
  });

  it(
    "carries WebSockets through the proxy; a switch closes them and a reconnect reaches the new version",
    TIMEOUT,
    async () => {
      world = makeWorld();
      const first = world.git("rev-parse", "HEAD");
      const launcher = await startLauncher(world);
      const second = world.commit({ "web/src/page.txt": "changed UI\n" }, "change the UI");
      const socketUrl = `${launcher.url.replace("http:", "ws:")}/socket`;

      const before = new WebSocket(socketUrl);
      expect(await echo(before, "hello")).toBe(`${first}:hello`);
      const closed = new Promise((resolve) => before.once("close", resolve));
      const record = await launcher.settle(
        (await accepted(await launcher.call("POST", "/switch", { sha: second }))).id,
      );
      expect(record.state).toBe("healthy");
      // web/ changed: the UI was built again while preparing, so the start found it fresh.
      expect(record.steps.find((step) => step.name === "web build")?.detail).toBe("web/ changed: built the UI");
      const index = path.join(world.home, "releases", second, "web", "build", "index.html");
      expect(readFileSync(index, "utf8")).toContain(`${second}.preparing`);
      expect(readFileSync(path.join(world.home, "logs", `${second}.log`), "utf8")).not.toContain("missing or stale");
      await closed;

      const after = new WebSocket(socketUrl);
      expect(await echo(after, "again")).toBe(`${second}:again`);
      after.close();
    },
  );

  it("refuses bad tokens, unknown commits, malformed bodies and a second switch while one runs", TIMEOUT, async () => {
    world = makeWorld();
    const launcher = await startLauncher(world);
    for (const [method, route] of [
      ["GET", "/status"],
      ["POST", "/switch"],
      ["GET", "/switches/anything"],
    ] as const) {
      const wrong = await problemOf(await launcher.call(method, route, undefined, "not-the-token"), 401);
      expect(wrong).toMatchObject({ status: 401, code: "unauthorized" });
      expect(wrong.type).toMatch(/^https:\/\//);
      const none = await fetch(`${launcher.api.url}${route}`, { method });
      expect(none.status).toBe(401);
    }
    // A foreign Host (DNS rebinding) is refused even with the token.
    expect(await statusWithHost(`${launcher.api.url}/status`, "evil.example", launcher.api.token)).toBe(403);
    expect(await statusWithHost(`${launcher.api.url}/status`, "localhost", launcher.api.token)).toBe(200);

    const unknown = await problemOf(
      await launcher.call("POST", "/switch", { sha: "0123456789abcdef0123456789abcdef01234567" }),
      400,
    );
    expect(unknown.detail).toContain("is not a commit");
    world.git("checkout", "-q", "-b", "side");
    const aside = world.commit({ "fixture.json": "{}\n\n" }, "not on main");
    world.git("checkout", "-q", "main");
    const offBranch = await problemOf(await launcher.call("POST", "/switch", { sha: aside }), 400);
    expect(offBranch.detail).toContain("not on the branch 'main'");
    const malformed = await problemOf(await launcher.call("POST", "/switch", { sha: "not hex" }), 422);
    expect(malformed.errors?.[0]?.path).toBe("sha");
    await problemOf(await launcher.call("GET", "/switches/no-such-id"), 404);

    const next = world.commit({ "fixture.json": '{ "startDelayMs": 1500 }\n' }, "slow start");
    const running = await accepted(await launcher.call("POST", "/switch", { sha: next }));
    const second = await problemOf(await launcher.call("POST", "/switch", { sha: next }), 409);
    expect(second.code).toBe("conflict");
    expect((await launcher.status()).switching).toBe(true);
    expect((await launcher.settle(running.id)).state).toBe("healthy");
    expect((await launcher.status()).switching).toBe(false);
  });
});
