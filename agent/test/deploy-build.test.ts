/**
 * deploy.build and deploy.status, and the parts of deploy.run that come
 * before NAT starts (a changed artifact, unknown releases, busy projects,
 * a missing `nat`), against real projects, zips and git repositories.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Project } from "@att/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { unpackRelease } from "../src/operations/deploy/artifact.ts";
import { exclusively } from "../src/operations/deploy/lock.ts";
import { getRelease, listDeployments, saveDeployment } from "../src/operations/deploy/store.ts";
import { operationError, zipEntries } from "./deploy-helpers.ts";
import { eventsOf, git, projects } from "./projects-helpers.ts";
import { callOperation } from "./support/call.ts";
import { createTestContext, type TestContext } from "./support/context.ts";

let context: TestContext;
let project: Project;

beforeEach(async () => {
  context = createTestContext({ ATT_NAT_COMMAND: "/nonexistent/nat" });
  project = (await projects.create(context, { name: "shop_bot", template: "chatbot" })).project;
});
afterEach(async () => {
  // The runtime's log store outlives a failed start by a flush interval; close it before the database.
  await context.runtime.shutdown();
  await context.dispose();
});

const sha256 = (file: string): string => createHash("sha256").update(readFileSync(file)).digest("hex");
const artifactOf = (releaseId: string): string => getRelease(context.db, project.id, releaseId).artifactPath;

describe("deploy.build", () => {
  it("builds numbered releases whose checksum, size and file count match the artifact on disk", async () => {
    const first = (await callOperation(context, "deploy.build", { projectId: project.id, label: "first" })).release;
    writeFileSync(path.join(project.path, "requirements-dev.txt"), "pytest\n");
    mkdirSync(path.join(project.path, "packages", "tool"), { recursive: true });
    writeFileSync(path.join(project.path, "packages", "tool", "pyproject.toml"), "[project]\nname = 'tool'\n");
    const second = (await callOperation(context, "deploy.build", { projectId: project.id })).release;

    expect([first.version, second.version]).toEqual([1, 2]);
    expect(first.label).toBe("first");
    expect(second.label).toBeNull();
    for (const release of [first, second]) {
      const artifact = artifactOf(release.id);
      expect(artifact).toBe(path.join(context.config.stateDir, "releases", project.id, `${release.version}.zip`));
      expect(release.sha256).toBe(sha256(artifact));
      expect(release.bytes).toBe(statSync(artifact).size);
      expect(release.files).toBe((await zipEntries(artifact)).length);
      expect(release.configPath).toBe("configs/config.yml");
      expect(release.gitCommit).toBe(git(project.path, "rev-parse", "HEAD"));
    }
    expect(second.files).toBe(first.files + 2);
    expect(first.dependencyFiles).toEqual(["pyproject.toml"]);
    expect(second.dependencyFiles).toEqual(["packages/tool/pyproject.toml", "pyproject.toml", "requirements-dev.txt"]);
    // Nothing half-written is left next to the artifacts.
    expect(readdirSync(path.dirname(artifactOf(first.id))).sort()).toEqual(["1.zip", "2.zip"]);

    const builds = eventsOf(context).filter((event) => event.type.startsWith("build."));
    expect(builds.map((event) => [event.type, event.payload.version])).toEqual([
      ["build.started", 1],
      ["build.completed", 1],
      ["build.started", 2],
      ["build.completed", 2],
    ]);
    expect(builds[3]?.payload).toEqual({
      releaseId: second.id,
      version: 2,
      sha256: second.sha256,
      bytes: second.bytes,
      files: second.files,
    });
  });

  it("leaves .git and ignored files out of the artifact and keeps untracked ones", async () => {
    writeFileSync(path.join(project.path, ".gitignore"), "secrets.env\ncache/\n");
    writeFileSync(path.join(project.path, "secrets.env"), "TOKEN=x\n");
    mkdirSync(path.join(project.path, "cache"));
    writeFileSync(path.join(project.path, "cache", "blob.bin"), "x");
    writeFileSync(path.join(project.path, "notes.md"), "not committed, not ignored\n");
    const { release } = await callOperation(context, "deploy.build", { projectId: project.id });

    const entries = await zipEntries(artifactOf(release.id));
    const inside = entries.map((name) => name.split("/").slice(1).join("/"));
    expect(new Set(entries.map((name) => name.split("/")[0]))).toEqual(new Set(["shop_bot-v1"]));
    expect(inside).toContain("configs/config.yml");
    expect(inside).toContain("notes.md");
    expect(inside).toContain(".gitignore");
    expect(inside.filter((name) => name.startsWith(".git/") || name.startsWith("cache/"))).toEqual([]);
    expect(inside).not.toContain("secrets.env");
    expect(inside.sort()).toEqual(
      git(project.path, "ls-files", "--cached", "--others", "--exclude-standard").split("\n").sort(),
    );
  });

  it("refuses a config that is missing, ignored, or absent altogether", async () => {
    const missing = await operationError(
      callOperation(context, "deploy.build", { projectId: project.id, configPath: "configs/nope.yml" }),
    );
    expect(missing.code).toBe("precondition_failed");
    expect(missing.message).toContain("configs/nope.yml");

    writeFileSync(path.join(project.path, "configs", "local.yml"), "workflow: {_type: test_echo}\n");
    writeFileSync(path.join(project.path, ".gitignore"), "configs/local.yml\n");
    const ignored = await operationError(
      callOperation(context, "deploy.build", { projectId: project.id, configPath: "configs/local.yml" }),
    );
    expect(ignored.code).toBe("precondition_failed");
    expect(ignored.message).toContain("ignored by .gitignore");

    rmSync(path.join(project.path, "configs", "config.yml"));
    const none = await operationError(callOperation(context, "deploy.build", { projectId: project.id }));
    expect(none.code).toBe("precondition_failed");
    expect(none.details).toMatchObject({ reason: "no_config" });

    // Nothing was built, announced or numbered by the refusals.
    expect(eventsOf(context).filter((event) => event.type.startsWith("build."))).toEqual([]);
    writeFileSync(path.join(project.path, "configs", "config.yml"), "workflow: {_type: test_echo}\n");
    const { release } = await callOperation(context, "deploy.build", {
      projectId: project.id,
      configPath: "./configs//config.yml",
    });
    expect(release.configPath).toBe("configs/config.yml");
    expect(release.version).toBe(1);
  });

  it("releases a folder that is no git repository, with no commit, and unpacks it with its layout intact", async () => {
    // A project whose files all sit in one folder: unpacking must not strip that folder.
    const dir = path.join(context.config.projectsDir, "plain_app");
    mkdirSync(path.join(dir, "app", "configs"), { recursive: true });
    writeFileSync(path.join(dir, "app", "configs", "config.yml"), "workflow: {_type: test_echo}\n");
    writeFileSync(path.join(dir, "app", "run.sh"), "#!/bin/sh\necho hi\n", { mode: 0o755 });
    const plain = (await context.catalog.list()).find((p) => p.name === "plain_app");
    if (plain === undefined) throw new Error("the catalog did not list plain_app");
    const { release } = await callOperation(context, "deploy.build", {
      projectId: plain.id,
      configPath: "app/configs/config.yml",
    });
    expect(release.gitCommit).toBeNull();
    expect(release.files).toBe(2);

    const stored = getRelease(context.db, plain.id, release.id);
    const unpacked = await unpackRelease(context.config.stateDir, stored);
    expect(unpacked).toBe(path.join(context.config.stateDir, "deployments", plain.id, release.id));
    expect(readFileSync(path.join(unpacked, release.configPath), "utf8")).toBe("workflow: {_type: test_echo}\n");
    expect(statSync(path.join(unpacked, "app", "run.sh")).mode & 0o111).not.toBe(0);
    expect(readdirSync(unpacked)).toEqual(["app"]);
    // A second deploy reuses the folder.
    writeFileSync(path.join(unpacked, "marker"), "");
    expect(await unpackRelease(context.config.stateDir, stored)).toBe(unpacked);
    expect(existsSync(path.join(unpacked, "marker"))).toBe(true);
  });

  it("refuses a second build of the project while one runs", async () => {
    let open: () => void = () => {};
    const held = exclusively("build", project.id, () => new Promise<void>((resolve) => (open = resolve)));
    const error = await operationError(callOperation(context, "deploy.build", { projectId: project.id }));
    expect(error.code).toBe("conflict");
    expect(error.details).toMatchObject({ reason: "build_in_progress" });
    open();
    await held;
    expect((await callOperation(context, "deploy.build", { projectId: project.id })).release.version).toBe(1);
  });
});

describe("deploy.run before NAT starts", () => {
  it("refuses a release whose artifact changed by one byte, and records nothing", async () => {
    const { release } = await callOperation(context, "deploy.build", { projectId: project.id });
    const artifact = artifactOf(release.id);
    const bytes = readFileSync(artifact);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = (bytes[middle] ?? 0) ^ 0xff;
    writeFileSync(artifact, bytes);

    const error = await operationError(callOperation(context, "deploy.run", { projectId: project.id }));
    expect(error.code).toBe("precondition_failed");
    expect(error.details).toMatchObject({
      reason: "checksum_mismatch",
      expected: release.sha256,
      actual: sha256(artifact),
    });
    expect(listDeployments(context.db, project.id)).toEqual([]);
    expect(existsSync(path.join(context.config.stateDir, "deployments", project.id, release.id))).toBe(false);
    expect(eventsOf(context).filter((event) => event.type.startsWith("deploy."))).toEqual([]);

    rmSync(artifact);
    const gone = await operationError(callOperation(context, "deploy.run", { projectId: project.id }));
    expect(gone.details).toMatchObject({ reason: "artifact_missing" });
  });

  it("answers not_found for unknown releases and projects without any", async () => {
    const none = await operationError(callOperation(context, "deploy.run", { projectId: project.id }));
    expect(none.code).toBe("not_found");
    expect(none.message).toContain("deploy.build");
    await callOperation(context, "deploy.build", { projectId: project.id });
    const params = { projectId: project.id, releaseId: "no-such-release" };
    expect((await operationError(callOperation(context, "deploy.run", params))).code).toBe("not_found");
    expect((await operationError(callOperation(context, "deploy.rollback", params))).code).toBe("not_found");
  });

  it("refuses a second deploy of the project while one runs", async () => {
    await callOperation(context, "deploy.build", { projectId: project.id });
    let open: () => void = () => {};
    const held = exclusively("deploy", project.id, () => new Promise<void>((resolve) => (open = resolve)));
    const error = await operationError(callOperation(context, "deploy.run", { projectId: project.id }));
    expect(error.code).toBe("conflict");
    expect(error.details).toMatchObject({ reason: "deploy_in_progress" });
    open();
    await held;
  });

  it("reports a first deploy that cannot start as failed (nothing to restore), with the reason, without throwing", async () => {
    const { release } = await callOperation(context, "deploy.build", { projectId: project.id });
    const { deployment, runtime } = await callOperation(context, "deploy.run", { projectId: project.id });
    expect(deployment).toMatchObject({
      releaseId: release.id,
      version: 1,
      kind: "deploy",
      outcome: "failed",
      previousReleaseId: null,
      restoredReleaseId: null,
    });
    expect(deployment.reason).toContain("install NAT");
    expect(deployment.finishedAt).not.toBeNull();
    expect(runtime.state).not.toBe("running");

    const deploys = eventsOf(context).filter((event) => event.type.startsWith("deploy."));
    expect(deploys.map((event) => event.type)).toEqual(["deploy.started", "deploy.completed"]);
    expect(deploys[1]?.payload).toMatchObject({
      deploymentId: deployment.id,
      releaseId: release.id,
      outcome: "failed",
      reason: deployment.reason,
      restoredReleaseId: null,
    });
    expect(listDeployments(context.db, project.id)).toEqual([deployment]);
  });
});

describe("deploy.status", () => {
  it("lists releases and history newest first, has no current release while nothing runs, and says why Docker is not used", async () => {
    const empty = await callOperation(context, "deploy.status", { projectId: project.id });
    expect(empty).toMatchObject({ current: null, releases: [], history: [] });

    const first = (await callOperation(context, "deploy.build", { projectId: project.id })).release;
    const second = (await callOperation(context, "deploy.build", { projectId: project.id })).release;
    const failed = (await callOperation(context, "deploy.run", { projectId: project.id, releaseId: first.id }))
      .deployment;
    // A deploy an earlier agent process never finished.
    const cut = { ...failed, id: crypto.randomUUID(), releaseId: second.id, version: 2, outcome: "running" as const };
    saveDeployment(context.db, { ...cut, startedAt: new Date(Date.now() + 1000).toISOString(), finishedAt: null });

    const status = await callOperation(context, "deploy.status", { projectId: project.id });
    expect(status.current).toBeNull();
    expect(status.releases.map((release) => release.version)).toEqual([2, 1]);
    expect(status.history.map((deployment) => [deployment.version, deployment.outcome])).toEqual([
      [2, "failed"],
      [1, "failed"],
    ]);
    expect(status.history[0]?.reason).toContain("agent stopped");
    expect(listDeployments(context.db, project.id)[0]?.outcome).toBe("failed");

    const engine = (() => {
      try {
        execFileSync("docker", ["info"], { stdio: "ignore", timeout: 3000 });
        return true;
      } catch {
        return false;
      }
    })();
    expect(status.docker.available).toBe(engine);
    expect(status.docker.used).toBe(false);
    expect(status.docker.detail).toMatch(engine ? /Docker engine present/ : /Docker engine not found/);
    expect(status.docker.detail).toContain("local processes");
  });
});
