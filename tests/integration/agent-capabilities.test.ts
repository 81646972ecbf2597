/**
 * What the agent will and will not do, on the real stack (wrangler dev + a
 * real agent process): secrets are redacted in what the control plane
 * receives (answers and stored events), `.env` changes included; the terminal
 * runs only what the owner's allow-list allows (changed on the agent's machine
 * while it runs); and no process starts outside the projects root.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Problem, StoredEvent, TerminalRunResult } from "@att/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Stack } from "../support/stack.ts";

// Secret-shaped values are assembled at run time, so no source file holds one.
const ENV_SECRET = `env-${crypto.randomUUID()}`;
const DOTENV_SECRET = `dotenv-${crypto.randomUUID()}`;
const ROTATED_SECRET = `rotated-${crypto.randomUUID()}`;
const GITHUB_TOKEN = `ghp_${"Zq8Wm3Kx7Np2".repeat(3)}`;
const NVIDIA_KEY = `nvapi-${"Ab3_Cd5-Ef7".repeat(4)}`;

const OWNER_DEFAULT = JSON.stringify({ terminal: { allow: ["default"] } });

let stack: Stack;
let projectId: string;
let projectDir: string;

beforeAll(async () => {
  stack = await Stack.start({ agentEnv: { ATT_CAPS_SERVICE_TOKEN: ENV_SECRET } });
  await stack.startLinkedAgent();
  // The control plane here is on this machine, where the default is any program; these tests
  // check what a hosted control plane's remote callers meet: the owner's choice of the built-in list.
  writeFileSync(path.join(stack.agentStateDir, "agent.json"), OWNER_DEFAULT);
  const created = await stack.json<{ project: { id: string } }>("/api/v1/projects", {
    method: "POST",
    body: JSON.stringify({ name: "caps_demo", template: "empty" }),
  });
  projectId = created.project.id;
  projectDir = path.join(stack.projectsDir, "caps_demo");
}, 120_000);

afterAll(async () => {
  await stack?.dispose();
});

const terminal = (command: string, runId = crypto.randomUUID()) =>
  stack.api(`/api/v1/projects/${projectId}/terminal/run`, {
    method: "POST",
    body: JSON.stringify({ command, runId }),
  });

/** The run's terminal.output text as the control plane stored it (read back over REST once its exit is in). */
async function storedOutput(runId: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { events } = await stack.json<{ events: StoredEvent[] }>(`/api/v1/projects/${projectId}/events?limit=1000`);
    const mine = events.filter((event) => event.payload.runId === runId);
    if (mine.some((event) => event.type === "terminal.exit")) {
      return mine
        .filter((event) => event.type === "terminal.output")
        .map((event) => String(event.payload.text))
        .join("");
    }
    if (Date.now() > deadline) throw new Error(`no terminal.exit of run ${runId} within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** How many terminal.exit events the control plane holds. */
async function exits(): Promise<number> {
  const url = `/api/v1/projects/${projectId}/events?type=terminal.exit&limit=1000`;
  return (await stack.json<{ events: StoredEvent[] }>(url)).events.length;
}

function expectNoSecrets(text: string, secrets: readonly string[]): void {
  for (const secret of secrets) expect(text).not.toContain(secret);
}

describe("secrets never reach the control plane", () => {
  it("redacts .env values, secret variables, tokens and token shapes in answers and events", async () => {
    writeFileSync(path.join(projectDir, ".env"), `API_KEY=${DOTENV_SECRET}\nAPP_MODE=production\n`);
    const runId = crypto.randomUUID();
    const command = `cat .env; printenv ATT_CAPS_SERVICE_TOKEN; echo ${GITHUB_TOKEN} ${NVIDIA_KEY}; echo pairing ${stack.agentToken}`;
    const response = await terminal(command, runId);
    expect(response.status).toBe(200);
    const answer = await response.text();
    const result = JSON.parse(answer) as TerminalRunResult;
    expect(result.exitCode).toBe(0);
    const secrets = [DOTENV_SECRET, ENV_SECRET, GITHUB_TOKEN, NVIDIA_KEY, stack.agentToken];
    expectNoSecrets(answer, secrets); // the output tail and the echoed command
    expect(result.output).toContain(
      "API_KEY=[redacted]\nAPP_MODE=production\n[redacted]\n[redacted] [redacted]\npairing [redacted]",
    );
    const streamed = await storedOutput(runId);
    expectNoSecrets(streamed, secrets);
    expect(streamed).toContain("API_KEY=[redacted]");
  });

  it("picks up a changed .env at once", async () => {
    writeFileSync(path.join(projectDir, ".env"), `API_KEY=${ROTATED_SECRET}\n`);
    const later = new Date(Date.now() + 5000);
    utimesSync(path.join(projectDir, ".env"), later, later);
    const runId = crypto.randomUUID();
    const response = await terminal("cat .env", runId);
    const answer = await response.text();
    expectNoSecrets(answer, [ROTATED_SECRET]);
    expect((JSON.parse(answer) as TerminalRunResult).output).toBe("API_KEY=[redacted]\n");
    expectNoSecrets(await storedOutput(runId), [ROTATED_SECRET]);
  });

  it("sends a .env file redacted and refuses to save the redacted copy over it", async () => {
    const file = `/api/v1/projects/${projectId}/files/.env`;
    const read = await stack.api(file);
    expect(read.status).toBe(200);
    const { content } = (await read.json()) as { content: string };
    expect(content).toBe("API_KEY=[redacted]\n");
    const saved = await stack.api(file, { method: "PUT", body: JSON.stringify({ content: `${content}MORE=1\n` }) });
    expect(saved.status).toBe(412);
    expect(((await saved.json()) as Problem).details).toMatchObject({ reason: "would_overwrite_secrets" });
    expect(readFileSync(path.join(projectDir, ".env"), "utf8")).toBe(`API_KEY=${ROTATED_SECRET}\n`);
  });
});

describe("the terminal runs only what the machine's owner allows", () => {
  it.each([
    ["rm -rf victim", "rm"],
    ["sh -c 'touch pwned'", "sh"],
    ["FOO=1 rm victim", "rm"],
    ["/bin/rm victim", "/bin/rm"],
    ["ls; $(echo rm) victim", null],
    ["echo pwned > ../pwned.txt", null],
    ["cd .. && ls", null],
    ["PATH=. ls", null],
  ])("refuses %s with 403 problem+json, and nothing runs", async (command, program) => {
    writeFileSync(path.join(projectDir, "victim"), "still here\n");
    const before = await exits();
    const response = await terminal(command);
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    const problem = (await response.json()) as Problem;
    expect(problem.code).toBe("forbidden");
    expect(problem.detail).toContain("the terminal refuses this command");
    if (program !== null) {
      expect(problem.details).toMatchObject({ program });
      expect(problem.detail).toContain(`ATT_TERMINAL_ALLOW=default,${program}`);
    }
    expect(existsSync(path.join(projectDir, "victim"))).toBe(true);
    expect(existsSync(path.join(projectDir, "pwned"))).toBe(false);
    expect(existsSync(path.join(stack.projectsDir, "pwned.txt"))).toBe(false);
    expect(await exits()).toBe(before);
  });

  it("follows agent.json in the agent's state dir, edited while the agent runs", async () => {
    const config = path.join(stack.agentStateDir, "agent.json");
    writeFileSync(path.join(projectDir, "victim"), "x\n");
    try {
      writeFileSync(config, JSON.stringify({ terminal: { allow: ["default", "rm"] } }));
      const allowed = await terminal("rm victim && ls");
      expect(allowed.status).toBe(200);
      expect(((await allowed.json()) as TerminalRunResult).exitCode).toBe(0);
      expect(existsSync(path.join(projectDir, "victim"))).toBe(false);
      // Still no shells, even with rm allowed.
      expect((await terminal("sh -c 'rm x'")).status).toBe(403);
      writeFileSync(config, "{ broken");
      const closed = await terminal("ls");
      expect(closed.status).toBe(412);
      expect(((await closed.json()) as Problem).detail).toContain("agent.json");
    } finally {
      writeFileSync(config, OWNER_DEFAULT);
    }
    expect((await terminal("rm victim")).status).toBe(403);
  });
});

describe("processes start only inside the projects root", () => {
  it("does not list or run in a project directory that leads out of the root", async () => {
    const outside = path.join(stack.dir, "outside");
    mkdirSync(outside, { recursive: true });
    // A symlinked project directory is not a project.
    symlinkSync(outside, path.join(stack.projectsDir, "escape"));
    const { projects } = await stack.json<{ projects: Array<{ name: string }> }>("/api/v1/projects");
    expect(projects.map((p) => p.name)).not.toContain("escape");

    // A project whose directory is swapped for a symlink out of the root cannot be used any more.
    const made = await stack.json<{ project: { id: string } }>("/api/v1/projects", {
      method: "POST",
      body: JSON.stringify({ name: "swapped", template: "empty" }),
    });
    const swapped = path.join(stack.projectsDir, "swapped");
    renameSync(swapped, path.join(stack.dir, "swapped-away"));
    symlinkSync(outside, swapped);
    const response = await stack.api(`/api/v1/projects/${made.project.id}/terminal/run`, {
      method: "POST",
      body: JSON.stringify({ command: "touch escaped" }),
    });
    expect([403, 404]).toContain(response.status);
    expect(existsSync(path.join(outside, "escaped"))).toBe(false);
  });
});
