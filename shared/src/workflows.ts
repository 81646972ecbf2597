/**
 * Workflows: multi-step plans over the agent's operations, run by the
 * control plane. Steps run in order unless `after` says otherwise (steps
 * with the same dependencies run in parallel); each can be conditional,
 * retried with backoff, polled until a condition holds, time-limited, or a
 * human approval. Every step's start and end is an event in the project log.
 */
import { z } from "zod";
import { ErrorCode, WireError } from "./errors.ts";
import { JsonObject, JsonValue } from "./json.ts";
import { AgentMethod } from "./methods.ts";
import { Id, Timestamp } from "./models.ts";
import { PrProvider } from "./ops/git.ts";
import { CiPolling, SelfChangeFile } from "./ops/self.ts";

export const MAX_WORKFLOW_STEPS = 100;
export const DEFAULT_WORKFLOW_TIMEOUT_MS = 3_600_000;
export const MAX_WORKFLOW_TIMEOUT_MS = 86_400_000;

const StepId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "must be 1-64 lowercase letters, digits, '-' or '_'")
  .meta({ example: "tests" });

/**
 * A test on the workflow's data. `path` is dotted: `input.<name>`,
 * `steps.<id>.result.<field>…`, `steps.<id>.status`, or in `poll`
 * conditions `result.<field>…` for the answer being polled.
 */
export const Condition = z
  .object({
    path: z.string().min(1).max(256).meta({ example: "steps.tests.result.run.status" }),
    op: z
      .enum(["eq", "ne", "in", "nin", "exists", "truthy", "falsy"])
      .default("eq")
      .meta({ description: "truthy: set and not false, 0, '' or an empty list/object." }),
    value: JsonValue.optional().meta({ description: "For eq/ne a value; for in/nin a list." }),
  })
  .meta({ id: "WorkflowCondition" });
export type Condition = z.infer<typeof Condition>;

export const StepRetry = z
  .object({
    attempts: z.number().int().min(1).max(20).default(1).meta({ description: "Attempts in all, the first included." }),
    backoffMs: z.number().int().min(0).max(600_000).default(1000),
    maxBackoffMs: z.number().int().min(0).max(3_600_000).default(60_000),
    factor: z.number().min(1).max(10).default(2),
  })
  .meta({ id: "WorkflowRetry" });

export const StepPoll = z
  .object({
    until: z.array(Condition).min(1).meta({ description: "Done when all hold for the answer (`result.*`)." }),
    failWhen: z.array(Condition).default([]).meta({ description: "Fails at once when any holds." }),
    ...CiPolling.shape,
  })
  .meta({
    id: "WorkflowPoll",
    description:
      "Call again until `until` holds, backing off from intervalMs to maxIntervalMs; failed calls are retried within the timeout.",
  });

export const StepAction = z
  .discriminatedUnion("type", [
    z.object({
      type: z.literal("call"),
      method: AgentMethod,
      params: JsonObject.meta({
        description:
          "The operation's params. A string `${path}` is replaced by that value (a whole-string reference keeps its type); `${path}` inside a longer string is interpolated.",
      }),
    }),
    z.object({
      type: z.literal("tool"),
      tool: z
        .string()
        .min(1)
        .max(256)
        .meta({ description: "A tool of a registered MCP server (the hub fails over across servers that offer it)." }),
      arguments: JsonObject.default({}).meta({
        description: "The tool's arguments; `${path}` references are filled like a call's params.",
      }),
    }),
    z.object({ type: z.literal("approval"), prompt: z.string().min(1).max(2000) }),
    z.object({
      type: z.literal("fail"),
      code: ErrorCode.default("precondition_failed"),
      message: z.string().min(1).max(2000),
      details: JsonValue.optional(),
    }),
    z.object({ type: z.literal("delay"), ms: z.number().int().min(0).max(86_400_000) }),
  ])
  .meta({ id: "WorkflowAction" });
export type StepAction = z.infer<typeof StepAction>;

export const WorkflowStepSpec = z
  .object({
    id: StepId,
    name: z.string().max(200).optional(),
    action: StepAction,
    after: z
      .array(StepId)
      .max(MAX_WORKFLOW_STEPS)
      .optional()
      .meta({ description: "Steps that must end first; the previous step when omitted, none with []." }),
    if: z.array(Condition).default([]).meta({ description: "Skipped unless all hold." }),
    runWhen: z
      .enum(["success", "failure", "always"])
      .default("success")
      .meta({ description: "failure/always steps still run once the workflow is failing (clean-up)." }),
    continueOnError: z.boolean().default(false),
    timeoutMs: z.number().int().min(100).max(MAX_WORKFLOW_TIMEOUT_MS).optional().meta({
      description: "Per attempt; the operation's own limit when omitted.",
    }),
    retry: StepRetry.optional(),
    poll: StepPoll.optional(),
  })
  .meta({ id: "WorkflowStepSpec" });
export type WorkflowStepSpec = z.infer<typeof WorkflowStepSpec>;
export type WorkflowStepInput = z.input<typeof WorkflowStepSpec>;

export const WorkflowCreate = z
  .object({
    projectId: Id,
    name: z.string().trim().min(1).max(200),
    input: JsonObject.default({}),
    steps: z.array(WorkflowStepSpec).min(1).max(MAX_WORKFLOW_STEPS),
    timeoutMs: z.number().int().min(1000).max(MAX_WORKFLOW_TIMEOUT_MS).default(DEFAULT_WORKFLOW_TIMEOUT_MS),
    concurrencyKey: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .meta({ description: "Workflows with the same key run one at a time, in the order they were created." }),
  })
  .meta({ id: "WorkflowCreate" });
export type WorkflowCreate = z.infer<typeof WorkflowCreate>;

export const WorkflowStatus = z
  .enum(["queued", "running", "succeeded", "failed", "cancelled"])
  .meta({ id: "WorkflowStatus" });
export type WorkflowStatus = z.infer<typeof WorkflowStatus>;

export const StepStatus = z
  .enum(["pending", "running", "waiting", "succeeded", "failed", "skipped", "cancelled"])
  .meta({
    id: "WorkflowStepStatus",
    description: "waiting: for a retry, the next poll, a delay or a human approval (see `waitingFor`).",
  });
export type StepStatus = z.infer<typeof StepStatus>;

export const WorkflowStep = z
  .object({
    id: StepId,
    name: z.string().nullable(),
    kind: z.enum(["call", "tool", "approval", "fail", "delay"]),
    method: z.string().nullable().meta({ description: "The agent operation, or `mcp:<tool>` for a hub tool." }),
    status: StepStatus,
    waitingFor: z.enum(["retry", "poll", "approval", "delay"]).nullable(),
    attempt: z.number().int().min(0),
    startedAt: Timestamp.nullable(),
    finishedAt: Timestamp.nullable(),
    durationMs: z.number().int().min(0).nullable(),
    nextAt: Timestamp.nullable().meta({
      description: "When the next attempt or poll runs; while running, when this attempt times out.",
    }),
    result: JsonValue.nullable(),
    error: WireError.nullable(),
  })
  .meta({ id: "WorkflowStep" });
export type WorkflowStep = z.infer<typeof WorkflowStep>;

export const Workflow = z
  .object({
    id: z.uuid(),
    projectId: Id,
    name: z.string(),
    kind: z.string().meta({ description: "`custom`, or the built-in workflow it is (e.g. `self.change`)." }),
    status: WorkflowStatus,
    actor: z.string(),
    concurrencyKey: z.string().nullable(),
    createdAt: Timestamp,
    startedAt: Timestamp.nullable(),
    finishedAt: Timestamp.nullable(),
    durationMs: z.number().int().min(0).nullable(),
    deadlineAt: Timestamp.nullable(),
    error: WireError.nullable(),
    input: JsonObject,
    steps: z.array(WorkflowStep),
  })
  .meta({ id: "Workflow" });
export type Workflow = z.infer<typeof Workflow>;

export const WorkflowList = z.object({ workflows: z.array(Workflow) }).meta({ id: "WorkflowList" });
export type WorkflowList = z.infer<typeof WorkflowList>;

export const WorkflowListQuery = z.object({
  projectId: Id.optional(),
  status: WorkflowStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type WorkflowListQuery = z.infer<typeof WorkflowListQuery>;

export const WorkflowIdParam = z.object({ workflowId: z.uuid() });
export const WorkflowStepParam = z.object({ workflowId: z.uuid(), stepId: StepId });

export const ApprovalDecision = z
  .object({
    approve: z.boolean(),
    comment: z.string().max(2000).optional(),
  })
  .meta({ id: "ApprovalDecision" });
export type ApprovalDecision = z.infer<typeof ApprovalDecision>;

/** A change to ATT's own repository (or any project that runs under the launcher). */
export const SelfChangeRequest = z
  .object({
    title: z.string().trim().min(1).max(200).meta({ example: "Say hello in the README" }),
    body: z.string().max(20_000).default(""),
    files: z.array(SelfChangeFile).min(1).max(100),
    provider: PrProvider.optional(),
    ci: CiPolling.partial()
      .optional()
      .meta({ description: "How CI is followed: every 10 s backing off to 60 s, for 10 minutes, unless set here." }),
    restart: z.boolean().default(true).meta({
      description: "Restart ATT on the merged version through the launcher (when one runs it).",
    }),
  })
  .meta({ id: "SelfChangeRequest" });
export type SelfChangeRequest = z.infer<typeof SelfChangeRequest>;

/** Payload of workflow.* events. */
export const WorkflowEventPayload = z
  .object({
    workflowId: z.uuid(),
    name: z.string(),
    stepId: z.string().optional(),
    method: z.string().optional(),
    attempt: z.number().int().optional(),
    inputs: JsonValue.optional(),
    outcome: JsonValue.optional(),
    error: WireError.optional(),
    durationMs: z.number().int().optional(),
    nextAt: Timestamp.optional(),
  })
  .meta({ id: "WorkflowEventPayload" });
export type WorkflowEventPayload = z.infer<typeof WorkflowEventPayload>;
