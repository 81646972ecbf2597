/**
 * Workflows in the workspace Durable Object's SQLite: the definition, the
 * workflow's state and one row per step. The engine changes state only
 * through here, so every transition is written before anything acts on it.
 */
import {
  type Json,
  type JsonObject,
  type StepStatus,
  type WireError,
  type Workflow,
  type WorkflowCreate,
  type WorkflowListQuery,
  type WorkflowStatus,
  type WorkflowStep,
  WorkflowStepSpec,
} from "@att/shared";
import { and, asc, desc, eq, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { WorkspaceDb } from "../workspace/event-log.ts";
import { workflowSteps, workflows } from "../workspace/schema.ts";

export type WorkflowRow = typeof workflows.$inferSelect;
export type StepRow = typeof workflowSteps.$inferSelect;

export interface Definition {
  steps: WorkflowStepSpec[];
  timeoutMs: number;
}

const StoredDefinition = z.object({ steps: z.array(WorkflowStepSpec), timeoutMs: z.number() });

export class WorkflowStore {
  readonly #db: WorkspaceDb;
  constructor(db: WorkspaceDb) {
    this.#db = db;
  }

  insert(options: { create: WorkflowCreate; kind: string; actor: string }): WorkflowRow {
    const { create } = options;
    const row: WorkflowRow = {
      id: crypto.randomUUID(),
      projectId: create.projectId,
      name: create.name,
      kind: options.kind,
      definition: JSON.stringify({ steps: create.steps, timeoutMs: create.timeoutMs } satisfies Definition),
      input: JSON.stringify(create.input),
      status: "queued",
      concurrencyKey: create.concurrencyKey ?? null,
      actor: options.actor,
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
      deadlineAt: null,
      error: null,
    };
    this.#db.transaction((tx) => {
      tx.insert(workflows).values(row).run();
      create.steps.forEach((step, position) => {
        tx.insert(workflowSteps)
          .values({
            workflowId: row.id,
            stepId: step.id,
            position,
            status: "pending",
            attempt: 0,
            startedAt: null,
            finishedAt: null,
            nextAt: null,
            deadlineAt: null,
            result: null,
            error: null,
          })
          .run();
      });
    });
    return row;
  }

  get(id: string): WorkflowRow | undefined {
    return this.#db.select().from(workflows).where(eq(workflows.id, id)).get();
  }

  list(query: WorkflowListQuery): WorkflowRow[] {
    const conditions: SQL[] = [];
    if (query.projectId !== undefined) conditions.push(eq(workflows.projectId, query.projectId));
    if (query.status !== undefined) conditions.push(eq(workflows.status, query.status));
    return this.#db
      .select()
      .from(workflows)
      .where(and(...conditions))
      .orderBy(desc(workflows.createdAt), desc(workflows.id))
      .limit(query.limit)
      .all();
  }

  withStatus(status: WorkflowStatus): WorkflowRow[] {
    return this.#db
      .select()
      .from(workflows)
      .where(eq(workflows.status, status))
      .orderBy(asc(workflows.createdAt), asc(workflows.id))
      .all();
  }

  /** Queued or running workflows holding `key`, oldest first. */
  holders(key: string): WorkflowRow[] {
    return this.#db
      .select()
      .from(workflows)
      .where(eq(workflows.concurrencyKey, key))
      .orderBy(asc(workflows.createdAt), asc(workflows.id))
      .all()
      .filter((row) => row.status === "queued" || row.status === "running");
  }

  update(id: string, patch: Partial<Omit<WorkflowRow, "id">>): void {
    this.#db.update(workflows).set(patch).where(eq(workflows.id, id)).run();
  }

  steps(workflowId: string): StepRow[] {
    return this.#db
      .select()
      .from(workflowSteps)
      .where(eq(workflowSteps.workflowId, workflowId))
      .orderBy(asc(workflowSteps.position))
      .all();
  }

  updateStep(workflowId: string, stepId: string, patch: Partial<Omit<StepRow, "workflowId" | "stepId">>): void {
    this.#db
      .update(workflowSteps)
      .set(patch)
      .where(and(eq(workflowSteps.workflowId, workflowId), eq(workflowSteps.stepId, stepId)))
      .run();
  }
}

export function definitionOf(row: WorkflowRow): Definition {
  // Written by insert() from a validated WorkflowCreate.
  return StoredDefinition.parse(JSON.parse(row.definition));
}

export function inputOf(row: WorkflowRow): JsonObject {
  return JSON.parse(row.input) as JsonObject;
}

export function parseJson<T extends Json | WireError>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const between = (from: string | null, to: string | null): number | null =>
  from === null || to === null ? null : Math.max(0, Date.parse(to) - Date.parse(from));

/** What a waiting step waits for, from its definition and state. */
export function waitingFor(spec: WorkflowStepSpec, step: StepRow): WorkflowStep["waitingFor"] {
  if (step.status !== "waiting") return null;
  if (spec.action.type === "approval") return "approval";
  if (spec.action.type === "delay") return "delay";
  if (spec.poll !== undefined && step.error === null) return "poll";
  return "retry";
}

export function toWorkflow(row: WorkflowRow, steps: StepRow[]): Workflow {
  const specs = new Map(definitionOf(row).steps.map((spec) => [spec.id, spec]));
  return {
    id: row.id,
    projectId: row.projectId,
    name: row.name,
    kind: row.kind,
    status: row.status as WorkflowStatus,
    actor: row.actor,
    concurrencyKey: row.concurrencyKey,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    durationMs: between(row.startedAt, row.finishedAt),
    deadlineAt: iso(row.deadlineAt),
    error: parseJson<WireError>(row.error),
    input: inputOf(row),
    steps: steps.map((step) => {
      const spec = specs.get(step.stepId);
      const action = spec?.action;
      return {
        id: step.stepId,
        name: spec?.name ?? null,
        kind: action?.type ?? "call",
        method: action?.type === "call" ? action.method : action?.type === "tool" ? `mcp:${action.tool}` : null,
        status: step.status as StepStatus,
        waitingFor: spec === undefined ? null : waitingFor(spec, step),
        attempt: step.attempt,
        startedAt: step.startedAt,
        finishedAt: step.finishedAt,
        durationMs: between(step.startedAt, step.finishedAt),
        nextAt: iso(step.nextAt),
        result: parseJson<Json>(step.result),
        error: parseJson<WireError>(step.error),
      };
    }),
  };
}
