/**
 * The MCP stdio client transport, with the process in its own process group.
 * The SDK's StdioClientTransport spawns the server in the agent's group, so a
 * server that starts children (npx, uvx, shells) could leave them behind;
 * this one ends the whole group (SIGTERM, then SIGKILL) when it closes or the
 * server exits, and keeps the end of stderr to say why a server failed.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { getDefaultEnvironment } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ReadBuffer, serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { checkProcessCwd } from "../../process/confine.ts";

const STDERR_TAIL_CHARS = 2000;
const CLOSE_GRACE_MS = 2000;

export interface StdioServerProcess {
  command: string;
  args: readonly string[];
  /** Added to the SDK's minimal inherited environment (HOME, PATH, SHELL, TERM, USER, LOGNAME). */
  env: Readonly<Record<string, string>>;
  cwd: string;
}

export class GroupStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  readonly #options: StdioServerProcess;
  readonly #buffer = new ReadBuffer();
  #child: ChildProcessWithoutNullStreams | null = null;
  #stderr = "";
  #exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  #exited: Promise<void> = Promise.resolve();
  #protocolVersion: string | null = null;
  #spawnFailed = false;

  constructor(options: StdioServerProcess) {
    this.#options = options;
  }

  /** The protocol version initialize agreed on (the SDK client sets it). */
  get protocolVersion(): string | null {
    return this.#protocolVersion;
  }

  setProtocolVersion(version: string): void {
    this.#protocolVersion = version;
  }

  get pid(): number | null {
    return this.#child?.pid ?? null;
  }

  /** Why the process is gone (exit code or signal, and the end of its stderr), or null while it runs. */
  exitReason(): string | null {
    if (this.#exit === null || this.#spawnFailed) return null;
    const how =
      this.#exit.signal === null ? `exited with code ${this.#exit.code}` : `was ended by ${this.#exit.signal}`;
    const tail = this.stderrTail();
    return tail === "" ? `the server ${how}` : `the server ${how}: ${tail}`;
  }

  stderrTail(): string {
    return this.#stderr.replace(/\s+/g, " ").trim().slice(-500);
  }

  start(): Promise<void> {
    if (this.#child !== null) throw new Error("GroupStdioTransport already started");
    const { command, args, env, cwd } = this.#options;
    checkProcessCwd(cwd); // throws: nothing starts outside the agent's folders
    const child = spawn(command, [...args], {
      cwd,
      env: { ...getDefaultEnvironment(), ...env },
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once("close", () => resolve()));
    child.stdout.on("data", (chunk: Buffer) => this.#read(chunk));
    child.stderr.on("data", (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString("utf8")).slice(-STDERR_TAIL_CHARS);
    });
    child.stdin.on("error", (error) => this.onerror?.(error));
    // Whatever the server left running in its group must not outlive it.
    child.once("exit", (code, signal) => {
      this.#exit = { code, signal };
      this.#signal("SIGKILL");
    });
    child.once("close", () => {
      this.#child = null;
      this.onclose?.();
    });
    return new Promise((resolve, reject) => {
      child.once("spawn", () => resolve());
      child.once("error", (error) => {
        this.#spawnFailed = true;
        reject(error);
        this.onerror?.(error);
      });
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.#child?.stdin;
    if (stdin === undefined || stdin.destroyed) return Promise.reject(new Error(this.exitReason() ?? "not connected"));
    return new Promise((resolve) => {
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once("drain", () => resolve());
    });
  }

  /** Closes stdin, then ends the group: SIGTERM, and SIGKILL after a grace period. */
  async close(): Promise<void> {
    const child = this.#child;
    if (child === null) return;
    child.stdin.end();
    this.#signal("SIGTERM");
    const timer = setTimeout(() => this.#signal("SIGKILL"), CLOSE_GRACE_MS);
    await this.#exited;
    clearTimeout(timer);
    this.#buffer.clear();
  }

  #read(chunk: Buffer): void {
    try {
      this.#buffer.append(chunk);
    } catch (error) {
      // One message over the buffer's limit (10 MiB): the stream cannot be trusted any more.
      this.onerror?.(error as Error);
      void this.close();
      return;
    }
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = this.#buffer.readMessage();
      } catch (error) {
        // A line that is not JSON-RPC (a banner on stdout): skip it, keep reading.
        this.onerror?.(error as Error);
        continue;
      }
      if (message === null) return;
      this.onmessage?.(message);
    }
  }

  #signal(name: NodeJS.Signals): void {
    const pid = this.#child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, name);
    } catch {
      // The group is already gone.
    }
  }
}
