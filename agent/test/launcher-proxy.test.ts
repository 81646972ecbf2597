/**
 * The launcher's public proxy and its gate, against real HTTP servers standing
 * in for two releases: bodies stream both ways, requests wait (not fail) while
 * traffic is held and go to whichever release is current afterwards, in-flight
 * requests (event streams that answer a request included) are counted for the
 * drain, and a request held longer than a switch can take gets 503.
 */
import http, { type IncomingMessage, type Server } from "node:http";
import net from "node:net";
import { Problem } from "@att/shared";
import { afterEach, describe, expect, it } from "vitest";
import { DRAIN_TIMEOUT_MS, holdLimit, TrafficGate } from "../src/launcher/gate.ts";
import { type PublicProxy, startProxy } from "../src/launcher/proxy.ts";
import { poll } from "./fixtures/launcher/harness.ts";

const LIMIT = holdLimit({ healthTimeoutMs: 120_000, stopGraceMs: 20_000 });
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A stand-in release: answers with its name, echoes bodies as they stream in, and serves /slow on demand. */
async function release(name: string): Promise<{ port: number; server: Server; finishSlow: () => void }> {
  const slow: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    if (req.url === "/slow") {
      slow.push(() => res.end(name));
      return;
    }
    if (req.url === "/events") {
      // An event stream that ends when the test says so (a tool call's result, or a subscription closing).
      res.writeHead(200, { "content-type": "text/event-stream", "x-release": name });
      res.write(`data: ${req.method} started\n\n`);
      slow.push(() => res.end(`data: ${req.method} finished\n\n`));
      return;
    }
    if (req.url === "/stream") {
      res.writeHead(200, { "content-type": "text/plain", "x-release": name });
      res.flushHeaders();
      req.pipe(res);
      return;
    }
    res.writeHead(201, { "x-release": name, "x-seen": String(req.headers["x-custom"]), "set-cookie": ["a=1", "b=2"] });
    res.end(`${name} ${req.method} ${req.url}`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("no address");
  return {
    port: address.port,
    server,
    finishSlow: () => {
      for (const end of slow.splice(0)) end();
    },
  };
}

async function proxyWith(gate: TrafficGate): Promise<PublicProxy> {
  const proxy = await startProxy({ port: 0, gate });
  cleanups.push(() => proxy.close());
  return proxy;
}

async function text(response: Response): Promise<string> {
  return response.text();
}

describe("launcher proxy", () => {
  it("forwards methods, paths, headers and status; streams a body both ways", { timeout: 20_000 }, async () => {
    const gate = new TrafficGate(LIMIT);
    const one = await release("one");
    gate.release(one.port);
    const proxy = await proxyWith(gate);
    const url = `http://127.0.0.1:${proxy.port}`;

    const answer = await fetch(`${url}/some/path?q=1`, { method: "PUT", headers: { "x-custom": "yes" }, body: "x" });
    expect(answer.status).toBe(201);
    expect(answer.headers.get("x-release")).toBe("one");
    expect(answer.headers.get("x-seen")).toBe("yes");
    expect(answer.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(await text(answer)).toBe("one PUT /some/path?q=1");

    // Each chunk must come back before the next is sent: only a streaming proxy gets through.
    const request = http.request(`${url}/stream`, { method: "POST" });
    const response = await new Promise<IncomingMessage>((resolve) => {
      request.once("response", resolve);
      request.flushHeaders();
    });
    const received: string[] = [];
    for (const chunk of ["first ", "second ", "third"]) {
      const back = new Promise<string>((resolve) => response.once("data", (data: Buffer) => resolve(String(data))));
      request.write(chunk);
      received.push(await back);
    }
    const ended = new Promise((resolve) => response.once("end", resolve));
    request.end();
    await ended;
    expect(received.join("")).toBe("first second third");
    await poll(() => (gate.inFlight === 0 ? true : undefined), 5000);
  });

  it("holds requests during a switch, drains the ones in flight, then sends the held ones to the new release", {
    timeout: 20_000,
  }, async () => {
    const gate = new TrafficGate(LIMIT);
    const [one, two] = [await release("one"), await release("two")];
    gate.release(one.port);
    const proxy = await proxyWith(gate);
    const url = `http://127.0.0.1:${proxy.port}`;

    const slow = fetch(`${url}/slow`).then(text);
    await poll(() => (gate.inFlight === 1 ? true : undefined), 5000);
    gate.hold();
    let drained = false;
    const drain = gate.drain(10_000).then((idle) => {
      drained = idle;
    });
    const held = [fetch(`${url}/a`).then(text), fetch(`${url}/b`).then(text)];
    await poll(() => (gate.stats().heldRequests === 2 ? true : undefined), 5000);
    expect(drained).toBe(false);
    one.finishSlow();
    expect(await slow).toBe("one");
    await drain;
    expect(drained).toBe(true);

    const stats = gate.release(two.port);
    expect(stats.heldRequests).toBe(2);
    expect(stats.maxHoldMs).toBeGreaterThan(0);
    expect(await Promise.all(held)).toEqual(["two GET /a", "two GET /b"]);
    expect(gate.inFlight).toBe(0);
  });

  it("answers 503 problem+json with Retry-After to a request (and an upgrade) held too long", {
    timeout: 20_000,
  }, async () => {
    const gate = new TrafficGate({ ms: 300, detail: "the test's limit" });
    const proxy = await proxyWith(gate);
    const response = await fetch(`http://127.0.0.1:${proxy.port}/anything`);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const body = Problem.parse(await response.json());
    expect(body).toMatchObject({ status: 503, code: "agent_unavailable" });
    expect(body.detail).toContain("held for 0.3 s");
    expect(body.detail).toContain("the test's limit");

    const socket = net.connect(proxy.port, "127.0.0.1");
    socket.write("GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
    const raw = await new Promise<string>((resolve) => {
      let data = "";
      socket.on("data", (chunk) => {
        data += String(chunk);
      });
      socket.once("close", () => resolve(data));
    });
    expect(raw).toMatch(/^HTTP\/1\.1 503 /);
    expect(raw).toMatch(/\r\nretry-after: 5\r\n/i);
    expect(gate.stats().heldRequests).toBe(2);
  });

  it("counts an event stream that answers a POST in flight until it ends; a GET subscription is not waited for", {
    timeout: 20_000,
  }, async () => {
    const gate = new TrafficGate(LIMIT);
    const one = await release("one");
    gate.release(one.port);
    const proxy = await proxyWith(gate);
    const url = `http://127.0.0.1:${proxy.port}/events`;

    const subscription = await fetch(url);
    expect(subscription.headers.get("content-type")).toBe("text/event-stream");
    const call = await fetch(url, { method: "POST", body: "{}" });
    const callReader = call.body?.getReader();
    expect(new TextDecoder().decode((await callReader?.read())?.value)).toBe("data: POST started\n\n");
    // Only the POST's stream is in flight: the drain waits for it (and gives up at its limit).
    expect(gate.inFlight).toBe(1);
    expect(await gate.drain(200)).toBe(false);
    const drained = gate.drain(10_000);
    one.finishSlow();
    expect(await drained).toBe(true);
    expect(await new Response(subscription.body).text()).toBe("data: GET started\n\ndata: GET finished\n\n");
    let rest = "";
    for (let chunk = await callReader?.read(); chunk !== undefined && !chunk.done; chunk = await callReader?.read())
      rest += new TextDecoder().decode(chunk.value);
    expect(rest).toBe("data: POST finished\n\n");
    expect(gate.inFlight).toBe(0);
  });

  it("holds a request as long as a whole switch with a rollback may take, and says so", () => {
    const { ms, detail } = holdLimit({ healthTimeoutMs: 120_000, stopGraceMs: 20_000 });
    // drain + stop the old + start the new (refused: stopped) + start the old again.
    expect(ms).toBeGreaterThanOrEqual(DRAIN_TIMEOUT_MS + 20_000 + 120_000 + 20_000 + 120_000);
    expect(ms).toBeLessThan(DRAIN_TIMEOUT_MS + 20_000 + 120_000 + 20_000 + 120_000 + 30_000);
    expect(detail).toContain("drain 30 s");
    expect(detail).toContain("restart of the previous version 120 s");
    // It follows the health timeout.
    expect(holdLimit({ healthTimeoutMs: 600_000, stopGraceMs: 20_000 }).ms - ms).toBe(2 * 480_000);
  });
});
