/**
 * A TCP proxy on 127.0.0.1 whose connections can be cut for real: both
 * sockets of every pair are destroyed at once (with a FIN or a TCP reset),
 * so each peer sees the link drop as it would on a network failure, at any
 * moment, handshake included. It can also stall them: bytes stop flowing both
 * ways while the sockets stay open, as on a dead route, until a peer gives up.
 * The target port is read per connection, so it can be set after the proxy listens.
 */
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";

interface Pair {
  client: Socket;
  upstream: Socket;
}

export class CutProxy implements AsyncDisposable {
  readonly #server: Server;
  readonly #pairs = new Set<Pair>();
  readonly #target: () => number;
  readonly #connectionWaiters = new Set<() => void>();
  #connections = 0;

  private constructor(server: Server, target: () => number) {
    this.#server = server;
    this.#target = target;
  }

  static async start(target: () => number): Promise<CutProxy> {
    const server = createServer();
    const proxy = new CutProxy(server, target);
    server.on("connection", (client) => proxy.#accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    return proxy;
  }

  get port(): number {
    const address = this.#server.address();
    return typeof address === "object" && address !== null ? address.port : 0;
  }

  /** Connections accepted so far (each reconnect is one). */
  get connections(): number {
    return this.#connections;
  }

  /** Pairs open right now. */
  get live(): number {
    return this.#pairs.size;
  }

  /** Destroys both sockets of every open pair; `reset` sends a TCP RST instead of a FIN. Returns how many were cut. */
  cut(options: { reset: boolean }): number {
    const pairs = [...this.#pairs];
    for (const pair of pairs) this.#destroy(pair, options.reset);
    return pairs.length;
  }

  /** Stops forwarding on every open pair (bytes are read and dropped); returns how many. A peer closing ends the pair. */
  stall(): number {
    const pairs = [...this.#pairs];
    for (const { client, upstream } of pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      for (const socket of [client, upstream]) socket.on("data", () => undefined).resume();
    }
    return pairs.length;
  }

  /** Resolves at the next accepted connection, or false after `timeoutMs`. */
  nextConnection(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (connected: boolean) => {
        clearTimeout(timer);
        this.#connectionWaiters.delete(onConnection);
        resolve(connected);
      };
      const onConnection = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.#connectionWaiters.add(onConnection);
    });
  }

  async close(): Promise<void> {
    this.cut({ reset: false });
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #accept(client: Socket): void {
    this.#connections += 1;
    const upstream = tcpConnect({ host: "127.0.0.1", port: this.#target() });
    const pair = { client, upstream };
    this.#pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    // Either side ending or failing ends the pair: a half-open proxy would hide the drop.
    for (const socket of [client, upstream]) {
      socket.on("error", () => this.#destroy(pair, false));
      socket.on("close", () => this.#destroy(pair, false));
    }
    for (const waiter of [...this.#connectionWaiters]) waiter();
  }

  #destroy(pair: Pair, reset: boolean): void {
    if (!this.#pairs.delete(pair)) return;
    for (const socket of [pair.client, pair.upstream]) {
      if (reset && !socket.destroyed && socket.readyState !== "opening") socket.resetAndDestroy();
      else socket.destroy();
    }
  }
}
