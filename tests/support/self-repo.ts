/**
 * A temporary copy of ATT's own repository run by ATT's own launcher: the
 * real thing the self-bootstrap cycle acts on. The copy is a git clone of
 * this checkout's HEAD under a projects root (so ATT's agent lists it as a
 * project), with dependencies hard-linked from this checkout and quick test
 * commands in `.att/self.json` and `.att/ci.json` (ATT's full suite takes
 * minutes; the cycle is what is under test here).
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { HealthResponse, Project, Workflow } from "@att/shared";
import { readHealth } from "../../agent/src/start/control-plane.ts";
import { type GroupProcess, startGroup } from "../../agent/src/start/processes.ts";
import { freePort, repoRoot } from "./stack.ts";

/** node_modules folders npm workspaces may create. */
const DEPENDENCY_DIRS = [
  "node_modules",
  "agent/node_modules",
  "web/node_modules",
  "worker/node_modules",
  "shared/node_modules",
];

export const QUICK_TEST = "shared/test/json.test.ts";

export class SelfRepo {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), "att-self-"));
  readonly projectsDir = path.join(this.dir, "projects");
  /** The copy of ATT's repository, a project named `att`. */
  readonly repo = path.join(this.projectsDir, "att");
  readonly home = path.join(this.dir, "launcher");
  readonly token = `user-${crypto.randomUUID()}`;
  port = 0;
  launcher: GroupProcess | null = null;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get logFile(): string {
    return path.join(this.dir, "launcher.log");
  }

  /** Clones this checkout, links its dependencies, and commits quick test settings on main. */
  prepare(): void {
    mkdirSync(this.projectsDir);
    // The working tree as it is (on a clean checkout, exactly HEAD), as one commit under a private ref.
    const snapshot = this.snapshotWorkingTree();
    const ref = `refs/att-self-test/${crypto.randomUUID()}`;
    this.git(repoRoot, ["update-ref", ref, snapshot]);
    try {
      this.git(this.projectsDir, ["clone", "--quiet", "--no-hardlinks", repoRoot, "att"]);
      this.git(this.repo, ["fetch", "--quiet", "origin", ref]);
      this.git(this.repo, ["checkout", "--quiet", "-B", "main", "FETCH_HEAD"]);
    } finally {
      this.git(repoRoot, ["update-ref", "-d", ref]);
    }
    this.git(this.repo, ["config", "user.name", "ATT self test"]);
    this.git(this.repo, ["config", "user.email", "self-test@att.invalid"]);
    for (const dir of DEPENDENCY_DIRS) {
      const from = path.join(repoRoot, dir);
      if (existsSync(from)) execFileSync("cp", ["-al", from, path.join(this.repo, dir)]);
    }
    // The built UI, so the first release does not build it again (its sources are unchanged).
    const build = path.join(repoRoot, "web", "build");
    if (existsSync(build)) {
      cpSync(build, path.join(this.repo, "web", "build"), { recursive: true });
      const now = new Date();
      utimesSync(path.join(this.repo, "web", "build", "index.html"), now, now);
    }
    mkdirSync(path.join(this.repo, ".att"), { recursive: true });
    writeFileSync(path.join(this.repo, ".att", "self.json"), `${JSON.stringify({ tests: { paths: [QUICK_TEST] } })}\n`);
    writeFileSync(
      path.join(this.repo, ".att", "ci.json"),
      `${JSON.stringify({ command: ["npx", "vitest", "run", QUICK_TEST], timeoutSeconds: 300 })}\n`,
    );
    this.git(this.repo, ["add", ".att/self.json", ".att/ci.json"]);
    this.git(this.repo, ["commit", "--quiet", "-m", "test: quick self tests"]);
  }

  /** Starts the copy's own launcher and waits until the proxy answers health for main's head with the agent linked. */
  async launch(timeoutMs = 300_000): Promise<HealthResponse> {
    this.port = await freePort();
    this.launcher = startGroup({
      command: process.execPath,
      args: [
        path.join(this.repo, "agent", "src", "launcher", "main.ts"),
        "--repo",
        this.repo,
        "--port",
        String(this.port),
        "--home",
        this.home,
      ],
      cwd: this.repo,
      env: {
        ...process.env,
        ATT_TOKEN: this.token,
        ATT_PROJECTS_DIR: this.projectsDir,
      },
      logFile: this.logFile,
    });
    return this.waitForBuild(this.head(), timeoutMs);
  }

  /** Health through the launcher's proxy once it reports `sha` as its build and the agent is linked. */
  async waitForBuild(sha: string, timeoutMs = 300_000): Promise<HealthResponse> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const health = await readHealth(this.url);
      if (health?.build === sha && health.agent.connected) return health;
      if (Date.now() > deadline) throw new Error(`no healthy build ${sha} in time; launcher log:\n${this.logTail()}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  api(pathname: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.url}${pathname}`, {
      ...init,
      headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json", ...init.headers },
    });
  }

  async json<T>(pathname: string, init: RequestInit = {}): Promise<T> {
    const response = await this.api(pathname, init);
    if (!response.ok)
      throw new Error(`${init.method ?? "GET"} ${pathname}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** Requests through the launcher's proxy every 50 ms until stopped: how many were sent and which failed. */
  probe(pathname = "/api/v1/projects"): { stop: () => Promise<{ sent: number; failed: string[] }> } {
    let running = true;
    let sent = 0;
    const failed: string[] = [];
    const loop = (async () => {
      while (running) {
        sent += 1;
        try {
          const response = await this.api(pathname);
          if (!response.ok) failed.push(`HTTP ${response.status}`);
          await response.arrayBuffer();
        } catch (error) {
          failed.push((error as Error).message);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    return {
      stop: async () => {
        running = false;
        await loop;
        return { sent, failed };
      },
    };
  }

  /** Starts a self change on the copy (POST .../self/changes); throws unless it was accepted. */
  async change(projectId: string, body: Record<string, unknown>): Promise<Workflow> {
    const response = await this.api(`/api/v1/projects/${projectId}/self/changes`, {
      method: "POST",
      body: JSON.stringify(body),
    });
    if (response.status !== 201) throw new Error(`self change refused: ${response.status} ${await response.text()}`);
    return (await response.json()) as Workflow;
  }

  /** The workflow once it has ended; requests held or failing during a restart are simply asked again. */
  async settled(id: string, timeoutMs = 420_000): Promise<Workflow> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const response = await this.api(`/api/v1/workflows/${id}`).catch(() => null);
      let last = response === null ? "no answer" : `HTTP ${response.status}`;
      if (response?.ok) {
        const workflow = (await response.json()) as Workflow;
        if (!["queued", "running"].includes(workflow.status)) return workflow;
        last = `still ${workflow.status}: ${JSON.stringify(workflow.steps, null, 1)}`;
      }
      if (Date.now() > deadline) throw new Error(`workflow ${id} did not end in time: ${last}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async project(): Promise<Project> {
    const { projects } = await this.json<{ projects: Project[] }>("/api/v1/projects");
    const found = projects.find((project) => project.name === "att");
    if (found === undefined) throw new Error(`ATT's copy is not a project: ${JSON.stringify(projects)}`);
    return found;
  }

  /** A commit of this checkout's working tree (ignored files left out), made with a private index: HEAD and the index stay as they are. */
  snapshotWorkingTree(): string {
    const index = path.join(this.dir, "snapshot.index");
    const who = { name: "ATT self test", email: "self-test@att.invalid" };
    const env = {
      ...process.env,
      GIT_INDEX_FILE: index,
      GIT_AUTHOR_NAME: who.name,
      GIT_AUTHOR_EMAIL: who.email,
      GIT_COMMITTER_NAME: who.name,
      GIT_COMMITTER_EMAIL: who.email,
    };
    const run = (args: string[]) => execFileSync("git", args, { cwd: repoRoot, env, encoding: "utf8" }).trim();
    run(["read-tree", "HEAD"]);
    run(["add", "--all"]);
    const tree = run(["write-tree"]);
    return run(["commit-tree", tree, "-p", "HEAD", "-m", "ATT self test: the working tree"]);
  }

  head(ref = "main"): string {
    return this.git(this.repo, ["rev-parse", ref]);
  }

  git(cwd: string, args: string[]): string {
    return execFileSync("git", args, { cwd, encoding: "utf8" }).trim();
  }

  logTail(lines = 60): string {
    try {
      return readFileSync(this.logFile, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "(no launcher log)";
    }
  }

  async dispose(): Promise<void> {
    await this.launcher?.stop(20_000);
    // Releases are git worktrees of the copy; everything lives under this directory.
    rmSync(this.dir, { recursive: true, force: true });
  }
}
