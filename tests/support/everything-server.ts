/**
 * The reference MCP server `@modelcontextprotocol/server-everything` for hub
 * tests: over stdio (the command the agent runs) or over Streamable HTTP as
 * its own process group. Its HTTP mode listens on every interface; a preload
 * pins it to 127.0.0.1, and readiness is a real initialize, not a sleep.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { type GroupProcess, startGroup } from "../../agent/src/start/processes.ts";
import { freePort } from "./stack.ts";

const entry = createRequire(import.meta.url).resolve("@modelcontextprotocol/server-everything/dist/index.js");

/** How the agent starts it over stdio: node itself (no npx, no network). */
export const EVERYTHING_STDIO = { command: process.execPath, args: [entry, "stdio"] } as const;

/**
 * Makes `server.listen(port)` bind 127.0.0.1 only: for test servers we do not
 * control that would listen on every interface (`node --import <this>`).
 */
export const LOCALHOST_PRELOAD = `data:text/javascript,${encodeURIComponent(`
import net from "node:net";
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const port = typeof args[0] === "number" ? args[0] : typeof args[0] === "string" && /^[0-9]+$/.test(args[0]) ? Number(args[0]) : null;
  if (port === null) return listen.apply(this, args);
  const callback = args.find((a) => typeof a === "function");
  // _listen2 binds at once, like listen(port) does (callers read address() right after); listen with a host would not.
  if (typeof this._listen2 !== "function") return listen.call(this, { port, host: "127.0.0.1" }, callback);
  if (callback) this.once("listening", callback);
  this._listen2("127.0.0.1", port, 4, 511);
  return this;
};
`)}`;

export class EverythingHttpServer {
  #process: GroupProcess | null = null;
  #port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.#port}/mcp`;
  }

  /** Starts it (on `port`, or a free one) and waits until it answers initialize. */
  async start(options: { logDir: string; port?: number }): Promise<void> {
    this.#port = options.port ?? (await freePort());
    this.#process = startGroup({
      command: process.execPath,
      args: ["--import", LOCALHOST_PRELOAD, entry, "streamableHttp"],
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", PORT: String(this.#port) },
      cwd: path.dirname(entry),
      logFile: path.join(options.logDir, `everything-${this.#port}.log`),
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (await this.#answers()) return;
      if (Date.now() > deadline) throw new Error(`server-everything did not start on ${this.url}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async stop(): Promise<void> {
    await this.#process?.stop(2000);
    this.#process = null;
  }

  async #answers(): Promise<boolean> {
    const client = new Client({ name: "att-test-probe", version: "1.0.0" });
    try {
      await client.connect(new StreamableHTTPClientTransport(new URL(this.url)));
      await client.close();
      return true;
    } catch {
      return false;
    }
  }
}
