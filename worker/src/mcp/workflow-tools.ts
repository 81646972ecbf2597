/** MCP tools for workflows and the self-change cycle: thin adapters over the workspace's RPC, like the REST routes. */
import {
  ApprovalDecision,
  Id,
  roleAllows,
  SelfChangeRequest,
  Workflow,
  WorkflowCreate,
  WorkflowIdParam,
  WorkflowList,
  WorkflowListQuery,
  WorkflowStepParam,
  workflowRole,
} from "@att/shared";
import { failure } from "../workspace/outcome.ts";
import { forbiddenRole, workspaceTool } from "./workspace-tool.ts";

const READ = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;
const ACT = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false } as const;

export const WORKFLOW_TOOLS = [
  workspaceTool({
    name: "att.self.change",
    role: "owner",
    title: "Change ATT itself",
    description:
      "Carry a change to ATT's own repository (a registered project) through the whole cycle: branch, edit, run ATT's tests (refused when red), pull request, CI, merge (high-risk files wait for att.workflow.approve), restart on the new version through the launcher with rollback. Answers at once with the workflow; follow it with att.workflow.get.",
    annotations: { ...ACT, destructiveHint: true },
    input: SelfChangeRequest.extend({ projectId: Id }),
    output: Workflow,
    run: ({ projectId, ...request }, { workspace, actor }) => workspace.selfChange(projectId, request, actor),
  }),
  workspaceTool({
    name: "att.workflow.start",
    role: "editor",
    title: "Start a workflow",
    description:
      "Run a workflow of agent operations: steps in order (or in parallel with `after`), conditions (`if`), retries with backoff, polling until a condition holds, approvals, timeouts. Every step is an event in the project's log.",
    annotations: ACT,
    input: WorkflowCreate,
    output: Workflow,
    run: async (create, { workspace, actor, role }) => {
      // Steps run later with no caller present: the starter must hold what each step needs now.
      const needed = workflowRole(create);
      if (!roleAllows(role, needed)) return failure(forbiddenRole(needed, role));
      return workspace.createWorkflow(create, actor);
    },
  }),
  workspaceTool({
    name: "att.workflow.get",
    role: "viewer",
    title: "Workflow status",
    description: "One workflow with each step's status, attempts, result and error.",
    annotations: READ,
    input: WorkflowIdParam,
    output: Workflow,
    run: ({ workflowId }, { workspace }) => workspace.workflow(workflowId),
  }),
  workspaceTool({
    name: "att.workflow.list",
    role: "viewer",
    title: "List workflows",
    description: "Workflows, newest first; filter by project and status.",
    annotations: READ,
    input: WorkflowListQuery,
    output: WorkflowList,
    run: async (query, { workspace }) => ({ ok: true, value: await workspace.workflows(query) }),
  }),
  workspaceTool({
    name: "att.workflow.cancel",
    role: "editor",
    title: "Cancel a workflow",
    description: "Stop a queued or running workflow: nothing new starts, waits end, clean-up steps still run.",
    annotations: { ...ACT, destructiveHint: true, idempotentHint: true },
    input: WorkflowIdParam,
    output: Workflow,
    run: ({ workflowId }, { workspace, actor }) => workspace.cancelWorkflow(workflowId, actor),
  }),
  workspaceTool({
    name: "att.workflow.approve",
    role: "owner",
    title: "Approve or reject a step",
    description:
      "Answer a step waiting for a human (e.g. the review of a high-risk self change): approve: true goes on, false stops the workflow.",
    annotations: ACT,
    input: WorkflowStepParam.extend(ApprovalDecision.shape),
    output: Workflow,
    run: ({ workflowId, stepId, ...decision }, { workspace, actor }) =>
      workspace.decideWorkflowStep(workflowId, stepId, decision, actor),
  }),
];
