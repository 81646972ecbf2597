/**
 * ATT's MCP tools: one declarative entry per tool. Each is a thin adapter over
 * `Workspace.invoke`, the same path the REST routes take, so behaviour and
 * errors match REST exactly. Every agent operation is reachable from here.
 */
import { byAction, byPresence, single, type ToolSpec } from "./tool-spec.ts";

const READ = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;
const READ_REMOTE = { ...READ, openWorldHint: true } as const;
const CREATE = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false } as const;

export const ATT_TOOLS: readonly ToolSpec[] = [
  single("projects.create", {
    name: "att.project.create",
    title: "Create project",
    description: "Create a project: empty, from a built-in NAT template, or with `nat workflow create`.",
    annotations: CREATE,
  }),
  single("projects.import", {
    name: "att.project.download",
    title: "Create project from zip",
    description: "Create a project from a base64 zip archive (checked for unsafe paths and size before unpacking).",
    annotations: CREATE,
  }),
  single("projects.clone", {
    name: "att.project.clone",
    title: "Clone repository",
    description: "Clone a git repository (https, ssh, file:// or a local path) as a new project.",
    annotations: { ...CREATE, openWorldHint: true },
  }),
  single("projects.list", {
    name: "att.project.list",
    title: "List projects",
    description: "List the agent's projects.",
    annotations: READ,
  }),
  single("projects.get", {
    name: "att.project.status",
    title: "Project status",
    description: "One project: its path, git remote, NAT config path and status.",
    annotations: READ,
  }),
  single("projects.templates", {
    name: "att.project.templates",
    title: "List templates",
    description: "Project templates and whether each can be used on this agent.",
    annotations: READ,
  }),
  single("projects.export", {
    name: "att.project.export",
    title: "Export project",
    description: "Export a project as a base64 zip archive (without .git or ignored files).",
    annotations: READ,
  }),
  single("projects.delete", {
    name: "att.project.delete",
    title: "Delete project",
    description: "Delete a project and its files.",
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  }),
  single("code.tree", {
    name: "att.code.list",
    title: "List files",
    description: "List a project's files and directories (optionally under a subdirectory).",
    annotations: READ,
  }),
  single("code.read", {
    name: "att.code.read",
    title: "Read file",
    description: "Read a file (in pages for large files); returns its sha256 for safe writes.",
    annotations: READ,
  }),
  single("code.write", {
    name: "att.code.write",
    title: "Write file",
    description: "Write a file; pass `expectedSha256` to refuse when it changed since you read it.",
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  }),
  single("code.search", {
    name: "att.code.search",
    title: "Search code",
    description: "Search a project's files for text or a regular expression, with context lines.",
    annotations: READ,
  }),
  single("code.diff", {
    name: "att.code.diff",
    title: "Diff",
    description: "Unified diff between refs, the index or the working tree.",
    annotations: READ,
  }),
  single("git.status", {
    name: "att.git.status",
    title: "Git status",
    description: "Branch, upstream, ahead/behind and changed files.",
    annotations: READ,
  }),
  single("git.add", {
    name: "att.git.add",
    title: "Stage files",
    description: "Stage paths for the next commit (['.'] for everything).",
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  }),
  single("git.commit", {
    name: "att.git.commit",
    title: "Commit",
    description: "Commit staged changes (optionally staging tracked changes or given paths first).",
    annotations: CREATE,
  }),
  single("git.push", {
    name: "att.git.push",
    title: "Push",
    description: "Push a branch to a remote (never forced).",
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  }),
  byAction(
    { list: "git.branch.list", create: "git.branch.create", switch: "git.branch.switch" },
    {
      name: "att.git.branch",
      title: "Branches",
      description: "List branches, create one (`name`, optional `from`), or switch to one (`name`).",
      actionDescription: "list | create | switch",
      annotations: CREATE,
    },
  ),
  single("git.log", {
    name: "att.git.log",
    title: "Git log",
    description: "Recent commits of a ref, optionally only those touching a path.",
    annotations: READ,
  }),
  single("git.pr.create", {
    name: "att.git.pr.create",
    title: "Open pull request",
    description: "Open a pull request (GitHub when the origin is on GitHub, else ATT's local provider).",
    annotations: { ...CREATE, openWorldHint: true },
  }),
  single("git.pr.list", {
    name: "att.git.pr.list",
    title: "List pull requests",
    description: "Pull requests of a project, by state.",
    annotations: READ_REMOTE,
  }),
  single("git.pr.merge", {
    name: "att.git.pr.merge",
    title: "Merge pull request",
    description: "Merge a pull request (merge, squash or rebase).",
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  }),
  byAction(
    { list: "git.pr.reviews", add: "git.pr.review" },
    {
      name: "att.git.pr.review",
      title: "Pull request reviews",
      description: "List a pull request's reviews, or add one (`body`, optional `event`, `path`, `line`).",
      actionDescription: "list | add",
      annotations: { ...CREATE, openWorldHint: true },
    },
  ),
  byPresence("runId", "git.actions.log", "git.actions", {
    name: "att.git.actions",
    title: "CI runs",
    description: "Recent CI workflow runs; with `runId`, that run and its log.",
    annotations: READ_REMOTE,
  }),
  single("runtime.start", {
    name: "att.runtime.start",
    title: "Start app",
    description:
      "Validate the project's NAT config and start it (`nat serve`, or `nat mcp serve` with kind mcp) on a free 127.0.0.1 port; answers when GET /health is 200. One app runs at a time.",
    annotations: { ...CREATE, openWorldHint: false },
  }),
  single("runtime.stop", {
    name: "att.runtime.stop",
    title: "Stop app",
    description: "Stop the project's app (SIGTERM to its process group, SIGKILL after `graceSeconds`).",
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  }),
  single("runtime.restart", {
    name: "att.runtime.restart",
    title: "Restart app",
    description: "Stop the app and start it again with the same config and variables.",
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  }),
  single("runtime.status", {
    name: "att.runtime.status",
    title: "App status",
    description: "stopped/starting/running/unhealthy/crashed, pid, port, URL, uptime, last health probe and reason.",
    annotations: READ,
  }),
  single("runtime.logs", {
    name: "att.runtime.logs",
    title: "App logs",
    description: "Log lines after a cursor (`after`; pass back `nextCursor`), or the newest with `tail`.",
    annotations: READ,
  }),
  single("runtime.send", {
    name: "att.runtime.chat",
    title: "Chat with app",
    description:
      "Send a message to the running app through NAT's WebSocket (default) or HTTP API; returns the answer, the intermediate steps and a trace id. Over the WebSocket the answer also streams as runtime.chat.* events; with `interactive` a question of the workflow waits for att.runtime.respond.",
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  }),
  single("runtime.respond", {
    name: "att.runtime.respond",
    title: "Answer app's question",
    description:
      "Answer a question (HITL) an interactive att.runtime.chat exchange waits on, named by `exchangeId` and `interactionId` from its runtime.chat.prompt event: text, or the chosen option's id, value or label.",
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  }),
  single("tests.run", {
    name: "att.test.run",
    title: "Run tests",
    description:
      "Run the project's tests (pytest: paths or node ids, suite, -k, -m; or npm test) with a timeout; returns counts, failures with tracebacks, duration and coverage.",
    annotations: CREATE,
  }),
  single("tests.results", {
    name: "att.test.results",
    title: "Test results",
    description: "The latest test run's parsed results, or one run's by `runId`.",
    annotations: READ,
  }),
  single("debug.errors", {
    name: "att.debug.errors",
    title: "App errors",
    description:
      "Errors parsed from the app's logs (tracebacks with frames, NAT messages), newest first, deduplicated with counts.",
    annotations: READ,
  }),
  single("runtime.logs", {
    name: "att.debug.logs",
    title: "Search logs",
    description: "Logs filtered by `minLevel`, `since`/`until`, `stream` and a `pattern` regex.",
    annotations: READ,
  }),
  single("debug.traces", {
    name: "att.debug.traces",
    title: "Workflow traces",
    description:
      "Intermediate steps of recent exchanges (LLM and tool calls with timing and tokens), or one by `traceId`.",
    annotations: READ,
  }),
  single("nat.run", {
    name: "att.nat.run",
    title: "nat run",
    description: "Run the workflow once with `nat run` on one input; returns the workflow result and the output.",
    annotations: { ...CREATE, openWorldHint: true },
  }),
  single("nat.eval", {
    name: "att.nat.eval",
    title: "nat eval",
    description:
      "Evaluate the workflow with `nat eval` (output in ATT's own folder); returns workflow output, evaluator scores and profiler data.",
    annotations: { ...CREATE, openWorldHint: true },
  }),
  single("nat.runs", {
    name: "att.nat.runs",
    title: "NAT runs",
    description: "Recorded `nat run` / `nat eval` runs, newest first, or one by `runId`.",
    annotations: READ,
  }),
  single("deploy.build", {
    name: "att.deploy.build",
    title: "Build release",
    description: "Build a versioned release of the project (files, config, lock files) with a sha256 checksum.",
    annotations: CREATE,
  }),
  single("deploy.run", {
    name: "att.deploy.run",
    title: "Deploy release",
    description:
      "Deploy a release (newest by default) as the running app. If its health check fails, the previous release is restored automatically; the answer says which.",
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  }),
  single("deploy.rollback", {
    name: "att.deploy.rollback",
    title: "Roll back",
    description: "Run a chosen earlier release again.",
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  }),
  single("deploy.status", {
    name: "att.deploy.status",
    title: "Deploy status",
    description: "Current release, all releases, deploy history with outcomes, and whether Docker is used.",
    annotations: READ,
  }),
  single("terminal.run", {
    name: "att.terminal.run",
    title: "Run command",
    description:
      "Run a shell command (`/bin/sh -c`) in the project directory with the project's environment; returns exit code, signal, whether it timed out, and the last 64 KiB of output. Output also streams as terminal.output events.",
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  }),
];

export const toolNamed = (name: string): ToolSpec | undefined => ATT_TOOLS.find((tool) => tool.name === name);
