/**
 * Workflows and the self-change cycle, answered by the workspace Durable
 * Object (worker/src/workflows): start one, follow it, cancel it, answer its
 * approvals. Steps call the agent; these routes never wait for them.
 */
import {
  ApprovalDecision,
  Problem,
  ProjectIdParam,
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
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { actorOf } from "../accounts/principal.ts";
import type { AppBindings } from "../env.ts";
import { ApiError } from "../http/api-error.ts";
import { needs } from "../http/roles.ts";
import { bearerSecurity, errorResponses, unwrap, workspaceOf } from "./common.ts";

const TAG = "workflows";
const BASE = "/api/v1/workflows";

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: Problem } },
});
const workflow = (description: string) => ({ description, content: { "application/json": { schema: Workflow } } });
const notFound = { 404: problem("No workflow with that id.") } as const;

const EXAMPLE_WORKFLOW = {
  projectId: "3f1c2a9e-0000-4000-8000-000000000000",
  name: "test then commit",
  steps: [
    {
      id: "tests",
      action: { type: "call", method: "tests.run", params: { projectId: "3f1c2a9e-0000-4000-8000-000000000000" } },
    },
    {
      id: "commit",
      if: [{ path: "steps.tests.result.run.status", op: "eq", value: "passed" }],
      action: {
        type: "call",
        method: "git.commit",
        params: { projectId: "3f1c2a9e-0000-4000-8000-000000000000", message: "green", all: true },
      },
      retry: { attempts: 3, backoffMs: 1000 },
    },
  ],
};

const start = createRoute({
  method: "post",
  path: BASE,
  ...needs("editor"),
  tags: [TAG],
  summary: "Start a workflow of agent operations",
  description:
    "Steps run in order; `after` makes steps wait for others (steps with the same dependencies run in parallel). `if` skips a step, `retry` retries it with backoff, " +
    "`poll` calls it again until a condition holds, `approval` waits for a human, `runWhen: always` runs clean-up after a failure. " +
    "String params may refer to `${input.x}` or `${steps.<id>.result.<field>}`. Answers at once; every step start and end is an event in the project's log.",
  operationId: "postWorkflows",
  security: bearerSecurity,
  request: {
    body: { required: true, content: { "application/json": { schema: WorkflowCreate, example: EXAMPLE_WORKFLOW } } },
  },
  responses: {
    201: workflow("The workflow, queued or running"),
    404: problem("No such project."),
    ...errorResponses,
  },
});

const list = createRoute({
  method: "get",
  path: BASE,
  ...needs("viewer"),
  tags: [TAG],
  summary: "List workflows, newest first",
  operationId: "getWorkflows",
  security: bearerSecurity,
  request: { query: WorkflowListQuery },
  responses: {
    200: { description: "Workflows", content: { "application/json": { schema: WorkflowList } } },
    ...errorResponses,
  },
});

const get = createRoute({
  method: "get",
  path: `${BASE}/{workflowId}`,
  ...needs("viewer"),
  tags: [TAG],
  summary: "One workflow with its steps",
  operationId: "getWorkflowsWorkflowId",
  security: bearerSecurity,
  request: { params: WorkflowIdParam },
  responses: { 200: workflow("The workflow"), ...notFound, ...errorResponses },
});

const cancel = createRoute({
  method: "post",
  path: `${BASE}/{workflowId}/cancel`,
  ...needs("editor"),
  tags: [TAG],
  summary: "Cancel a queued or running workflow",
  description: "Nothing new starts and waits end at once; clean-up steps (`runWhen: always|failure`) still run.",
  operationId: "postWorkflowsWorkflowIdCancel",
  security: bearerSecurity,
  request: { params: WorkflowIdParam },
  responses: {
    200: workflow("The workflow, stopping"),
    ...notFound,
    409: problem("The workflow has already ended."),
    ...errorResponses,
  },
});

const decide = createRoute({
  method: "post",
  path: `${BASE}/{workflowId}/steps/{stepId}/decision`,
  ...needs("owner"),
  tags: [TAG],
  summary: "Approve or reject a step that waits for a human",
  operationId: "postWorkflowsWorkflowIdStepsStepIdDecision",
  security: bearerSecurity,
  request: {
    params: WorkflowStepParam,
    body: { required: true, content: { "application/json": { schema: ApprovalDecision, example: { approve: true } } } },
  },
  responses: {
    200: workflow("The workflow after the decision"),
    ...notFound,
    409: problem("The step is not waiting for an approval."),
    ...errorResponses,
  },
});

const selfChange = createRoute({
  method: "post",
  path: "/api/v1/projects/{id}/self/changes",
  ...needs("owner"),
  tags: [TAG],
  summary: "Change ATT itself: test, pull request, CI, merge, restart, with rollback",
  description:
    "The project is ATT's own repository (or a clone of it). The change is made on a new branch with `code.write`, committed, and tested with the paths in `.att/self.json` " +
    "(refused when red); then a pull request is opened and its CI followed (10 s backing off to 60 s, 10 min by default); high-risk files wait for an approval; " +
    "then it is merged and, when a launcher runs ATT, ATT restarts on the merged commit and the workflow waits until the new version is healthy or rolled back. " +
    "Changes to one project run one at a time.",
  operationId: "postProjectsIdSelfChanges",
  security: bearerSecurity,
  request: {
    params: ProjectIdParam,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: SelfChangeRequest,
          example: { title: "Docs: say hello", files: [{ path: "docs/hello.md", content: "# Hello\n" }] },
        },
      },
    },
  },
  responses: {
    201: workflow("The self-change workflow, queued or running"),
    404: problem("No such project."),
    ...errorResponses,
  },
});

export function registerWorkflows(app: OpenAPIHono<AppBindings>): void {
  const actor = (c: Context<AppBindings>) => actorOf(c.get("principal"), "user");
  app.openapi(start, async (c) => {
    const definition = c.req.valid("json");
    const needed = workflowRole(definition);
    const { role } = c.get("principal");
    if (!roleAllows(role, needed)) {
      throw new ApiError("forbidden", `this workflow calls operations that need the ${needed} role; you are ${role}`);
    }
    return c.json(unwrap(await workspaceOf(c).createWorkflow(definition, actor(c))), 201);
  });
  app.openapi(list, async (c) => c.json(await workspaceOf(c).workflows(c.req.valid("query")), 200));
  app.openapi(get, async (c) => c.json(unwrap(await workspaceOf(c).workflow(c.req.valid("param").workflowId)), 200));
  app.openapi(cancel, async (c) =>
    c.json(unwrap(await workspaceOf(c).cancelWorkflow(c.req.valid("param").workflowId, actor(c))), 200),
  );
  app.openapi(decide, async (c) => {
    const { workflowId, stepId } = c.req.valid("param");
    return c.json(
      unwrap(await workspaceOf(c).decideWorkflowStep(workflowId, stepId, c.req.valid("json"), actor(c))),
      200,
    );
  });
  app.openapi(selfChange, async (c) =>
    c.json(unwrap(await workspaceOf(c).selfChange(c.req.valid("param").id, c.req.valid("json"), actor(c))), 201),
  );
}
