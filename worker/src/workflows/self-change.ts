/**
 * The self-bootstrap cycle as a workflow: plan the change (agent reads the
 * repository's `.att/self.json`, classifies risk), branch, edit through
 * code.write, commit, run ATT's own tests and refuse on red, open a pull
 * request, follow its CI, ask a human when the change is high-risk, merge,
 * put the working tree back on the base branch, and restart through the
 * launcher, waiting until the new version is healthy or rolled back.
 * Changes to one project are serialized by the concurrency key.
 */
import { CI_POLL_DEFAULTS, type SelfChangeRequest, WorkflowCreate, type WorkflowStepInput } from "@att/shared";

/** The longest the launcher may take to switch versions, build included. */
const RESTART_TIMEOUT_MS = 15 * 60_000;
/** Tests before the PR can be long (ATT's own suite). */
const TESTS_TIMEOUT_SECONDS = 3600;

export const SELF_CHANGE_KIND = "self.change";

export function selfChangeWorkflow(projectId: string, request: SelfChangeRequest): WorkflowCreate {
  const ci = { ...CI_POLL_DEFAULTS, ...request.ci };
  const editIds = request.files.map((_, index) => `edit-${index + 1}`);
  const steps: WorkflowStepInput[] = [
    {
      id: "plan",
      name: "Check the repository and plan the change",
      action: {
        type: "call",
        method: "self.plan",
        params: {
          projectId,
          title: "${input.title}",
          paths: "${input.paths}",
          ...(request.provider === undefined ? {} : { provider: request.provider }),
        },
      },
    },
    {
      id: "branch",
      name: "Create the change's branch",
      action: {
        type: "call",
        method: "git.branch.create",
        params: { projectId, name: "${steps.plan.result.branch}", from: "${steps.plan.result.base}", switch: true },
      },
    },
    // Edits run in parallel: they touch different files.
    ...request.files.map(
      (file, index): WorkflowStepInput => ({
        id: editIds[index] ?? `edit-${index + 1}`,
        name: `Write ${file.path}`,
        after: ["branch"],
        // The content comes from the input by reference, so text like `${x}` in a file is never read as one.
        action: {
          type: "call",
          method: "code.write",
          params: { projectId, path: file.path, content: `\${input.files.${index}.content}` },
        },
      }),
    ),
    {
      id: "commit",
      name: "Commit the edits",
      after: editIds,
      action: {
        type: "call",
        method: "git.commit",
        params: { projectId, message: "${input.title}", paths: "${input.paths}" },
      },
    },
    {
      id: "tests",
      name: "Run ATT's tests on the change",
      action: {
        type: "call",
        method: "tests.run",
        params: { projectId, paths: "${steps.plan.result.testPaths}", timeoutSeconds: TESTS_TIMEOUT_SECONDS },
      },
    },
    {
      id: "refuse",
      name: "Refuse the change when its tests fail",
      if: [{ path: "steps.tests.result.run.status", op: "ne", value: "passed" }],
      action: {
        type: "fail",
        code: "precondition_failed",
        message: "the change breaks ATT's tests, so it was refused before any pull request",
        details: "${steps.tests.result.run}",
      },
    },
    {
      id: "push",
      name: "Push the branch",
      if: [{ path: "steps.plan.result.provider", op: "eq", value: "github" }],
      action: { type: "call", method: "git.push", params: { projectId, branch: "${steps.plan.result.branch}" } },
    },
    {
      id: "pr",
      name: "Open the pull request",
      action: {
        type: "call",
        method: "git.pr.create",
        params: {
          projectId,
          provider: "${steps.plan.result.provider}",
          title: "${input.title}",
          body: "${input.body}",
          head: "${steps.plan.result.branch}",
          base: "${steps.plan.result.base}",
        },
      },
    },
    {
      id: "ci",
      name: "Wait for CI",
      action: {
        type: "call",
        method: "self.pullRequest",
        params: {
          projectId,
          provider: "${steps.plan.result.provider}",
          number: "${steps.pr.result.pullRequest.number}",
        },
      },
      poll: {
        until: [{ path: "result.pullRequest.ci", op: "eq", value: "success" }],
        failWhen: [
          { path: "result.pullRequest.ci", op: "in", value: ["failure", "error", "none"] },
          { path: "result.pullRequest.state", op: "ne", value: "open" },
        ],
        ...ci,
      },
    },
    {
      id: "review",
      name: "A human approves the high-risk change",
      if: [{ path: "steps.plan.result.highRisk", op: "truthy" }],
      action: {
        type: "approval",
        prompt:
          "This change touches high-risk files (CI configuration, authentication, the launcher, or a rule in .att/self.json). Approve to merge it, reject to stop.",
      },
    },
    {
      id: "merge",
      name: "Merge",
      action: {
        type: "call",
        method: "git.pr.merge",
        params: {
          projectId,
          provider: "${steps.plan.result.provider}",
          number: "${steps.pr.result.pullRequest.number}",
          method: "merge",
        },
      },
    },
    {
      id: "checkout-base",
      name: "Put the working tree back on the base branch",
      after: ["merge"],
      runWhen: "always",
      if: [{ path: "steps.branch.status", op: "eq", value: "succeeded" }],
      action: {
        type: "call",
        method: "self.restore",
        params: {
          projectId,
          base: "${steps.plan.result.base}",
          paths: "${input.paths}",
          provider: "${steps.plan.result.provider}",
        },
      },
    },
  ];
  if (request.restart) steps.push(...restartSteps(projectId));
  return WorkflowCreate.parse({
    projectId,
    name: `self change: ${request.title}`,
    // Everything the user wrote is referred to from here as a whole value, never read as a template.
    input: {
      title: request.title,
      body: request.body,
      files: request.files,
      paths: request.files.map((file) => file.path),
      restart: request.restart,
    },
    steps,
    timeoutMs: 2 * 3_600_000,
    concurrencyKey: `self:${projectId}`,
  });
}

/** Skipped (with the reason in the plan) when no launcher runs this ATT. */
function restartSteps(projectId: string): WorkflowStepInput[] {
  return [
    {
      id: "restart",
      name: "Restart ATT on the merged version",
      if: [{ path: "steps.plan.result.launcher", op: "eq", value: true }],
      action: {
        type: "call",
        method: "self.restart",
        params: { projectId, sha: "${steps.merge.result.pullRequest.mergeCommit}", reason: "${input.title}" },
      },
    },
    {
      id: "healthy",
      name: "Wait until the new version is healthy (or rolled back)",
      if: [{ path: "steps.restart.status", op: "eq", value: "succeeded" }],
      action: {
        type: "call",
        method: "self.restartStatus",
        params: { projectId, switchId: "${steps.restart.result.switch.id}" },
      },
      poll: {
        until: [{ path: "result.switch.state", op: "eq", value: "healthy" }],
        failWhen: [{ path: "result.switch.state", op: "in", value: ["rolled_back", "failed"] }],
        intervalMs: 1000,
        maxIntervalMs: 5000,
        timeoutMs: RESTART_TIMEOUT_MS,
      },
    },
  ];
}
