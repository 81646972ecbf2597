/**
 * Processes start only inside the agent's folders: with real processes, a
 * working directory that climbs out with `..`, or goes through a symlink out
 * of the root, is refused before anything runs, by the bounded runner (tests,
 * terminal, NAT runs, CI), the runtime's spawner and the MCP stdio transport.
 */
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { GroupStdioTransport } from "../src/operations/mcp/transport.ts";
import { runBounded } from "../src/operations/runs/bounded.ts";
import { checkProcessCwd, confineProcesses } from "../src/process/confine.ts";
import { spawnGroup } from "../src/process/group.ts";

const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), "att-confine-")));
const root = path.join(base, "projects");
const project = path.join(root, "demo");
const outside = path.join(base, "outside");
mkdirSync(project, { recursive: true });
mkdirSync(outside);
symlinkSync(outside, path.join(project, "link-out"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let unconfine: (() => void) | null = null;
afterEach(() => unconfine?.());

/** Runs `touch <marker>` in `cwd`: resolves with the outcome or rejects with the refusal. */
const touchIn = (cwd: string, marker: string) =>
  runBounded({ argv: ["touch", marker], cwd, env: { PATH: process.env.PATH ?? "" }, timeoutMs: 30_000 });

describe("confineProcesses", () => {
  it("runs a process inside the root", async () => {
    unconfine = confineProcesses([{ dir: root }]);
    const outcome = await touchIn(project, "inside.txt");
    expect(outcome.exitCode).toBe(0);
    expect(existsSync(path.join(project, "inside.txt"))).toBe(true);
  });

  it.each([
    ["'..' out of the root", () => path.join(root, "..")],
    ["'..' hidden in a longer path", () => path.join(project, "..", "..", "outside")],
    ["a symlink out of the root", () => path.join(project, "link-out")],
    ["an absolute path elsewhere", () => outside],
  ])("refuses %s before anything runs", async (_, cwd) => {
    unconfine = confineProcesses([{ dir: root }]);
    const marker = `escaped-${crypto.randomUUID()}.txt`;
    await expect(touchIn(cwd(), marker)).rejects.toMatchObject({
      code: "forbidden",
      details: { reason: "cwd_outside_root" },
    });
    expect(existsSync(path.join(realpathSync(cwd()), marker))).toBe(false);
  });

  it("guards the runtime's spawner and the MCP stdio transport too", async () => {
    unconfine = confineProcesses([{ dir: root }]);
    expect(() =>
      spawnGroup({ argv: ["true"], cwd: path.join(project, "link-out"), env: {}, onLine: () => {} }),
    ).toThrow(/outside the agent's projects root/);
    const transport = new GroupStdioTransport({ command: "cat", args: [], env: {}, cwd: outside });
    expect(() => transport.start()).toThrow(/outside the agent's projects root/);
    expect(transport.pid).toBeNull();
  });

  it("allows only the named entries of a shared folder (temporary worktrees)", () => {
    mkdirSync(path.join(base, "att-worktree-1", "wt"), { recursive: true });
    unconfine = confineProcesses([{ dir: root }, { dir: base, namePrefix: "att-worktree-" }]);
    expect(() => checkProcessCwd(path.join(base, "att-worktree-1", "wt"))).not.toThrow();
    expect(() => checkProcessCwd(outside)).toThrow(/outside/);
    expect(() => checkProcessCwd(base)).toThrow(/outside/);
  });

  it("checks nothing until the agent confines itself, and stops when lifted", () => {
    expect(() => checkProcessCwd(outside)).not.toThrow();
    const lift = confineProcesses([{ dir: root }]);
    expect(() => checkProcessCwd(outside)).toThrow(/outside/);
    lift();
    expect(() => checkProcessCwd(outside)).not.toThrow();
  });
});
