/**
 * git.push against real remotes: bare repositories on disk, a closed port
 * (connection refused) and a local HTTP server that demands credentials.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { GitPushParams, GitPushResult, type MethodParams } from "@att/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { redactText, redactUrl } from "../src/operations/git/failure.ts";
import { classifyPushFailure, type PushRetry, pushOperation } from "../src/operations/git/push.ts";
import { createTestContext, type TestContext } from "./support/context.ts";
import { call, git, makeBareRemote, makeProject, write } from "./support/git-fixture.ts";

const FAST: PushRetry = { attempts: 3, baseMs: 10, maxMs: 40 };

let context: TestContext;
beforeEach(() => {
  context = createTestContext();
});
afterEach(() => {
  context.dispose();
});

async function push(params: MethodParams<"git.push">, retry: PushRetry = FAST) {
  return GitPushResult.parse(await pushOperation(retry)(GitPushParams.parse(params), context));
}

/** A port on 127.0.0.1 that was just bound and closed, so connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  return port;
}

/** A smart-HTTP endpoint that answers every request with 401, counting them. */
async function unauthorizedServer(): Promise<{ port: number; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server = http.createServer((_request, response) => {
    requests += 1;
    response.writeHead(401, { "WWW-Authenticate": 'Basic realm="att-test"', "Content-Type": "text/plain" });
    response.end("authentication required\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("git.push", () => {
  it("pushes the current branch to a bare remote and sets its upstream", async () => {
    const { projectId, dir } = await makeProject(context, "push", { commit: true });
    const remote = await makeBareRemote(context, "origin");
    await git(dir, ["remote", "add", "origin", remote]);

    const result = await call(context, "git.push", { projectId });
    expect(result).toEqual({ remote: "origin", branch: "main", attempts: 1 });
    expect(await git(remote, ["rev-parse", "refs/heads/main"])).toBe(await git(dir, ["rev-parse", "HEAD"]));
    expect(await git(dir, ["rev-parse", "--abbrev-ref", "main@{upstream}"])).toBe("origin/main");
  });

  it("pushes a named branch that is not checked out, without an upstream when asked", async () => {
    const { projectId, dir } = await makeProject(context, "named", { commit: true });
    const remote = await makeBareRemote(context, "named-remote");
    await git(dir, ["remote", "add", "backup", remote]);
    await git(dir, ["branch", "feature/x"]);
    const result = await push({ projectId, remote: "backup", branch: "feature/x", setUpstream: false });
    expect(result).toEqual({ remote: "backup", branch: "feature/x", attempts: 1 });
    expect(await git(remote, ["branch", "--list"])).toContain("feature/x");
    await expect(git(dir, ["rev-parse", "--abbrev-ref", "feature/x@{upstream}"])).rejects.toThrow();
  });

  it("answers not_found for an unknown remote or branch, naming the known remotes", async () => {
    const { projectId, dir } = await makeProject(context, "unknown", { commit: true });
    await git(dir, ["remote", "add", "origin", await makeBareRemote(context, "unknown-remote")]);
    await expect(push({ projectId, remote: "upstream" })).rejects.toMatchObject({
      code: "not_found",
      message: "no remote named 'upstream' (known: origin)",
    });
    await expect(push({ projectId, branch: "no-such-branch" })).rejects.toMatchObject({ code: "not_found" });
  });

  it("reports a non-fast-forward rejection as a conflict with a hint to pull", async () => {
    const { projectId, dir } = await makeProject(context, "behind", { commit: true });
    const remote = await makeBareRemote(context, "behind-remote");
    await git(dir, ["remote", "add", "origin", remote]);
    await git(dir, ["push", "-q", "origin", "main"]);
    const other = `${context.dir}/other-clone`;
    await git(context.dir, ["clone", "-q", remote, other]);
    write(other, "theirs.txt", "theirs\n");
    await git(other, ["add", "."]);
    await git(other, ["commit", "-q", "-m", "theirs"]);
    await git(other, ["push", "-q", "origin", "main"]);
    write(dir, "ours.txt", "ours\n");
    await git(dir, ["add", "."]);
    await git(dir, ["commit", "-q", "-m", "ours"]);

    await expect(push({ projectId })).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringContaining("rejected"),
      details: { hint: expect.stringContaining("pull") },
    });
  });

  it("retries a refused connection with backoff, then gives up with the attempts counted", async () => {
    const { projectId, dir } = await makeProject(context, "refused", { commit: true });
    const port = await closedPort();
    await git(dir, ["remote", "add", "origin", `http://127.0.0.1:${port}/x.git`]);
    const started = Date.now();
    const failure = await push({ projectId }).catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: "upstream_error",
      message: expect.stringMatching(/after 3 attempts: .*(Connection refused|Failed to connect)/s),
      details: { attempts: 3 },
    });
    // Two waits of at least baseMs/2 each separate the three attempts.
    expect(Date.now() - started).toBeGreaterThanOrEqual(10);
  });

  it("fails at once on an authentication failure, naming the remote without leaking credentials", async () => {
    const { projectId, dir } = await makeProject(context, "auth", { commit: true });
    const server = await unauthorizedServer();
    try {
      const secretUrl = `http://deploy:s3cr3t-t0ken@127.0.0.1:${server.port}/team/x.git`;
      await git(dir, ["remote", "add", "origin", secretUrl]);
      const failure = await push({ projectId }).catch((error: unknown) => error);
      expect(failure).toMatchObject({
        code: "upstream_error",
        message: expect.stringContaining(
          `authentication failed for remote 'origin' (http://127.0.0.1:${server.port}/team/x.git)`,
        ),
        details: { attempts: 1 },
      });
      expect(JSON.stringify(failure)).not.toContain("s3cr3t");
      expect(String((failure as Error).message)).not.toContain("s3cr3t");
      expect(server.requests()).toBeGreaterThan(0);

      // Without credentials git would prompt; the agent's git must fail instead of hanging.
      await git(dir, ["remote", "set-url", "origin", `http://127.0.0.1:${server.port}/team/x.git`]);
      await expect(push({ projectId })).rejects.toMatchObject({
        code: "upstream_error",
        message: expect.stringContaining("authentication failed for remote 'origin'"),
        details: { attempts: 1 },
      });
    } finally {
      await server.close();
    }
  });

  it("refuses a detached HEAD without a branch name", async () => {
    const { projectId, dir } = await makeProject(context, "detached", { commit: true });
    await git(dir, ["remote", "add", "origin", await makeBareRemote(context, "detached-remote")]);
    await git(dir, ["switch", "-q", "--detach"]);
    await expect(push({ projectId })).rejects.toMatchObject({ code: "precondition_failed" });
  });
});

describe("push failure handling", () => {
  it("classifies git's messages, authentication before network", () => {
    const cases: [string, ReturnType<typeof classifyPushFailure>][] = [
      ["fatal: Authentication failed for 'https://github.com/a/b.git/'", "auth"],
      ["git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.", "auth"],
      ["fatal: could not read Username for 'https://x': terminal prompts disabled", "auth"],
      ["fatal: unable to access 'https://x/': The requested URL returned error: 403", "auth"],
      [" ! [rejected]        main -> main (fetch first)", "rejected"],
      ["fatal: unable to access 'https://x/': Could not resolve host: x", "network"],
      [
        "fatal: unable to access 'http://127.0.0.1:1/': Failed to connect to 127.0.0.1 port 1: Connection refused",
        "network",
      ],
      ["fatal: early EOF", "network"],
      ["ssh: connect to host x port 22: Connection timed out", "network"],
      [" ! [remote rejected] main -> main (pre-receive hook declined)", "other"],
    ];
    for (const [message, kind] of cases) expect([message, classifyPushFailure(message)]).toEqual([message, kind]);
  });

  it("strips credentials from URLs and from text around them", () => {
    expect(redactUrl("https://user:tok@github.com/a/b.git")).toBe("https://github.com/a/b.git");
    expect(redactUrl("https://ghp_abc@github.com/a/b.git")).toBe("https://github.com/a/b.git");
    expect(redactUrl("git@github.com:a/b.git")).toBe("git@github.com:a/b.git");
    expect(redactUrl("/srv/git/b.git")).toBe("/srv/git/b.git");
    expect(redactText("fatal: unable to access 'https://u:p@h.example/x/': 403")).toBe(
      "fatal: unable to access 'https://h.example/x/': 403",
    );
  });
});
