/** projects.clone against real local repositories: paths, file:// URLs, refs, refused transports, failures. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { checkCloneUrl, redact, remoteToKeep, repositoryName } from "../src/operations/projects/clone-url.ts";
import { entriesOf, eventsOf, git, projects } from "./projects-helpers.ts";
import { createTestContext, type TestContext } from "./support/context.ts";

let upstream: string;
let bare: string;
let context: TestContext;
let root: string;

beforeAll(() => {
  upstream = mkdtempSync(path.join(os.tmpdir(), "att-clone-upstream-"));
  const work = path.join(upstream, "work");
  mkdirSync(work);
  git(work, "init", "-q", "-b", "main");
  writeFileSync(path.join(work, "README.md"), "main branch\n");
  git(work, "add", ".");
  git(work, "commit", "-q", "-m", "first");
  git(work, "tag", "v1");
  git(work, "checkout", "-q", "-b", "feature");
  writeFileSync(path.join(work, "README.md"), "feature branch\n");
  git(work, "commit", "-q", "-am", "feature");
  git(work, "checkout", "-q", "main");
  bare = path.join(upstream, "Sample-Repo.git");
  git(upstream, "clone", "-q", "--bare", work, bare);
});
afterAll(() => {
  rmSync(upstream, { recursive: true, force: true });
});
beforeEach(() => {
  context = createTestContext();
  root = context.config.projectsDir;
});
afterEach(() => {
  context.dispose();
});

describe("projects.clone", () => {
  it("clones a local path, names the project after the repository, status cloned, one event", async () => {
    const { project } = await projects.clone(context, { url: bare });
    expect(project).toMatchObject({ name: "sample_repo", status: "cloned", gitRemote: bare });
    expect(readFileSync(path.join(project.path, "README.md"), "utf8")).toBe("main branch\n");
    expect(entriesOf(root)).toEqual(["sample_repo"]);
    expect(eventsOf(context)).toMatchObject([
      { projectId: project.id, type: "project.created", payload: { name: "sample_repo", source: bare } },
    ]);
    expect((await context.catalog.get(project.id)).status).toBe("cloned");
  });

  it("clones a file:// URL at a branch or a tag, under a chosen name", async () => {
    const { project } = await projects.clone(context, { url: `file://${bare}`, name: "feat", ref: "feature" });
    expect(readFileSync(path.join(project.path, "README.md"), "utf8")).toBe("feature branch\n");
    expect(git(project.path, "branch", "--show-current")).toBe("feature");
    const tagged = await projects.clone(context, { url: `file://${bare}`, name: "tagged", ref: "v1" });
    expect(git(tagged.project.path, "describe", "--tags")).toBe("v1");
  });

  it("a missing repository or ref: not_found with git's message, and nothing left behind", async () => {
    const missing = await projects.clone(context, { url: path.join(upstream, "nope.git") }).catch((e) => e);
    expect(missing).toMatchObject({ code: "not_found" });
    expect(String(missing.message)).toMatch(/git clone failed: .*nope\.git/s);
    await expect(projects.clone(context, { url: bare, name: "badref", ref: "no-such-branch" })).rejects.toMatchObject({
      code: "not_found",
    });
    expect(entriesOf(root)).toEqual([]);
    expect(eventsOf(context)).toEqual([]);
  });

  it("an unreachable https server: upstream_error without the credentials, nothing left behind", async () => {
    const url = "https://alice:s3cret-token@127.0.0.1:1/org/repo.git";
    const error = await projects.clone(context, { url }).catch((e) => e);
    expect(error).toMatchObject({ code: "upstream_error" });
    expect(String(error.message)).not.toContain("s3cret");
    expect(entriesOf(root)).toEqual([]);
  });

  it("refuses command transports, options and other schemes before running git", async () => {
    for (const url of [
      "ext::sh -c touch% /tmp/pwned",
      "fd::17",
      "-uhelp",
      "--upload-pack=touch /tmp/pwned",
      "http://example.com/repo.git",
      "git://example.com/repo.git",
      "relative/path",
      "https://exa mple.com/x",
    ]) {
      await expect(projects.clone(context, { url, name: "x" }), url).rejects.toMatchObject({ code: "bad_request" });
    }
    await expect(projects.clone(context, { url: bare, name: "x", ref: "--orphan" })).rejects.toMatchObject({
      code: "bad_request",
    });
    expect(entriesOf(root)).toEqual([]);
  });

  it("refuses a duplicate name and a repository name that makes no valid project name", async () => {
    await projects.clone(context, { url: bare });
    await expect(projects.clone(context, { url: bare })).rejects.toMatchObject({ code: "conflict" });
    await expect(projects.clone(context, { url: "https://example.com/org/test.git" })).rejects.toMatchObject({
      code: "bad_request",
      message: expect.stringContaining("pass a name"),
    });
  });
});

describe("clone URLs", () => {
  it("classifies the accepted forms", () => {
    expect(checkCloneUrl("https://github.com/org/repo.git")).toBe("https");
    expect(checkCloneUrl("ssh://git@github.com/org/repo.git")).toBe("ssh");
    expect(checkCloneUrl("git@github.com:org/repo.git")).toBe("scp");
    expect(checkCloneUrl("file:///srv/repo.git")).toBe("file");
    expect(checkCloneUrl("/srv/repo.git")).toBe("path");
  });

  it("redacts credentials and keeps https tokens out of origin", () => {
    expect(redact("fatal: https://u:tok@host/x failed")).toBe("fatal: https://***@host/x failed");
    expect(remoteToKeep("https://u:tok@host/x.git", "https")).toBe("https://host/x.git");
    expect(remoteToKeep("ssh://git@host/x.git", "ssh")).toBe("ssh://git@host/x.git");
  });

  it("finds the repository name in every form", () => {
    for (const url of ["https://h/o/my-repo.git", "git@h:o/my-repo.git", "/srv/my-repo/", "file:///srv/my-repo"]) {
      expect(repositoryName(url)).toBe("my-repo");
    }
  });
});
