/**
 * The workflow engine of a workspace Durable Object. State lives in SQLite
 * (store.ts) and every transition is written before it acts; timers (retry
 * backoff, polls, delays, the whole-workflow deadline) are wake-ups on the
 * Durable Object's alarm. So a control-plane restart loses nothing: on the
 * next wake a step that was running is asked again with the same request id,
 * which the agent answers from its store instead of running it twice.
 */
import {
  type AgentMethod,
  type ApprovalDecision,
  type EventType,
  type Json,
  type JsonObject,
  RETRYABLE_BY_CODE,
  type WireError,
  type Workflow,
  type WorkflowCreate,
  type WorkflowEventPayload,
  type WorkflowList,
  type WorkflowListQuery,
  type WorkflowStepSpec,
} from "@att/shared";
import { log } from "../log.ts";
import { failure, type Outcome, success } from "../workspace/outcome.ts";
import type { Wakeups } from "../workspace/wakeups.ts";
import { attemptLimit, forEvent, growing, isCall, optionalTimeout } from "./attempts.ts";
import { allHold, anyHolds, fill, holds, MissingReference, summarize } from "./data.ts";
import { describeConditions, firstFailure, indexSteps, isFailing, scopeOf } from "./progress.ts";
import {
  definitionOf,
  inputOf,
  parseJson,
  type StepRow,
  toWorkflow,
  type WorkflowRow,
  type WorkflowStore,
} from "./store.ts";
import { validate } from "./validate.ts";

export interface EngineDeps {
  store: WorkflowStore;
  wakeups: Wakeups;
  /** Runs one agent operation; `frameId` is the idempotency key. */
  invoke: (call: {
    method: AgentMethod;
    params: JsonObject;
    frameId: string;
    timeoutMs?: number;
  }) => Promise<Outcome<Json>>;
  /** Calls a tool of the MCP client hub by name, with failover across the servers that offer it. */
  callTool: (call: { tool: string; arguments: JsonObject; correlationId: string }) => Promise<Outcome<Json>>;
  /** Appends an event to the project's log and fans it out. */
  record: (event: { projectId: string; type: EventType; payload: WorkflowEventPayload; actor: string }) => void;
}

const TERMINAL = new Set(["succeeded", "failed", "skipped", "cancelled"]);
const WAKE_PREFIX = "workflow";
const POLL_FACTOR = 2;
/** After a cancel or timeout, how long calls in flight and clean-up steps may take. */
const CLEANUP_GRACE_MS = 5 * 60_000;
/** How often a step looks again for an agent while none is connected. */
const AGENT_WAIT_MS = 2000;

export class WorkflowEngine {
  readonly #deps: EngineDeps;
  /** Attempts this instance is awaiting, `<workflow>/<step>/<attempt>`. */
  readonly #inFlight = new Set<string>();

  constructor(deps: EngineDeps) {
    this.#deps = deps;
  }

  // --- requests -----------------------------------------------------------------

  async create(create: WorkflowCreate, options: { kind: string; actor: string }): Promise<Outcome<Workflow>> {
    const invalid = validate(create);
    if (invalid !== null) return failure({ code: "bad_request", message: invalid });
    const row = this.#deps.store.insert({ create, kind: options.kind, actor: options.actor });
    await this.#startQueued(row.concurrencyKey);
    return success(this.#view(row.id));
  }

  get(id: string): Outcome<Workflow> {
    const row = this.#deps.store.get(id);
    return row === undefined ? failure(unknown(id)) : success(toWorkflow(row, this.#deps.store.steps(id)));
  }

  list(query: WorkflowListQuery): WorkflowList {
    return {
      workflows: this.#deps.store.list(query).map((row) => toWorkflow(row, this.#deps.store.steps(row.id))),
    };
  }

  async cancel(id: string, actor: string): Promise<Outcome<Workflow>> {
    const row = this.#deps.store.get(id);
    if (row === undefined) return failure(unknown(id));
    if (row.status !== "queued" && row.status !== "running") {
      return failure({ code: "conflict", message: `workflow ${id} has already ${row.status}` });
    }
    await this.#stop(row, { code: "cancelled", message: `cancelled by ${actor}` });
    return success(this.#view(id));
  }

  async decide(id: string, stepId: string, decision: ApprovalDecision, actor: string): Promise<Outcome<Workflow>> {
    const row = this.#deps.store.get(id);
    if (row === undefined) return failure(unknown(id));
    const step = this.#deps.store.steps(id).find((s) => s.stepId === stepId);
    const spec = definitionOf(row).steps.find((s) => s.id === stepId);
    if (step === undefined || spec === undefined) {
      return failure({ code: "not_found", message: `workflow ${id} has no step '${stepId}'` });
    }
    if (spec.action.type !== "approval" || step.status !== "waiting") {
      return failure({
        code: "conflict",
        message: `step '${stepId}' is not waiting for an approval (it is ${step.status})`,
      });
    }
    const outcome: Json = { approved: decision.approve, by: actor, comment: decision.comment ?? null };
    if (decision.approve) {
      this.#finishStep(row, step, { status: "succeeded", result: outcome, actor });
    } else {
      const reason = decision.comment === undefined ? "" : `: ${decision.comment}`;
      this.#finishStep(row, step, {
        status: "failed",
        result: outcome,
        error: { code: "rejected", message: `rejected by ${actor}${reason}` },
        actor,
      });
    }
    await this.#advance(id);
    return success(this.#view(id));
  }

  /** After the Durable Object starts: every running workflow is looked at once, now. */
  async resume(): Promise<void> {
    for (const row of this.#deps.store.withStatus("running")) await this.#deps.wakeups.schedule(wakeKey(row.id), 0);
    for (const row of this.#deps.store.withStatus("queued")) await this.#startQueued(row.concurrencyKey);
  }

  /** The alarm's call for `workflow:<id>`. */
  async wake(id: string): Promise<void> {
    await this.#advance(id);
  }

  // --- the state machine ------------------------------------------------------------

  async #startQueued(key: string | null): Promise<void> {
    const { store } = this.#deps;
    const candidates = key === null ? store.withStatus("queued").filter((r) => r.concurrencyKey === null) : [];
    if (key !== null) {
      const holders = store.holders(key);
      if (holders.some((row) => row.status === "running")) return;
      const next = holders[0];
      if (next !== undefined) candidates.push(next);
    }
    for (const row of candidates) {
      const startedAt = new Date();
      const definition = definitionOf(row);
      store.update(row.id, {
        status: "running",
        startedAt: startedAt.toISOString(),
        deadlineAt: startedAt.getTime() + definition.timeoutMs,
      });
      this.#emit(row, "workflow.started", {
        inputs: summarize(inputOf(row)),
        outcome: { steps: definition.steps.map((s) => s.id), timeoutMs: definition.timeoutMs },
      });
      await this.#advance(row.id);
    }
  }

  async #advance(id: string): Promise<void> {
    const { store } = this.#deps;
    const row = store.get(id);
    if (row === undefined || row.status !== "running") return;
    const now = Date.now();
    if (row.deadlineAt !== null && now >= row.deadlineAt) {
      if (row.error === null) {
        const minutes = (definitionOf(row).timeoutMs / 60_000).toFixed(1);
        await this.#stop(row, { code: "timeout", message: `the workflow did not finish within ${minutes} min` });
        return;
      }
      this.#abandon(row);
    }
    const specs = definitionOf(row).steps;
    let progressed = true;
    while (progressed) {
      progressed = false;
      const current = store.get(id) ?? row;
      const steps = indexSteps(store.steps(id));
      const failing = current.error !== null || isFailing(specs, steps);
      for (const [index, spec] of specs.entries()) {
        const step = steps.get(spec.id);
        if (step?.status !== "pending") continue;
        const deps = spec.after ?? (index > 0 ? [specs[index - 1]?.id ?? ""] : []);
        if (!deps.every((dep) => TERMINAL.has(steps.get(dep)?.status ?? "succeeded"))) continue;
        progressed = true;
        if (failing && spec.runWhen === "success") {
          this.#skip(current, step, "an earlier step failed");
        } else if (!failing && spec.runWhen === "failure") {
          this.#skip(current, step, "nothing failed");
        } else if (!allHold(spec.if, scopeOf(current, steps))) {
          this.#skip(current, step, "its condition does not hold");
        } else {
          this.#begin(current, spec, step, steps);
        }
        break; // state changed: look again from fresh rows
      }
    }
    await this.#runDue(id, now);
    await this.#finishOrSleep(id);
  }

  /** Waiting steps whose time has come, and running steps this instance lost (restart). */
  async #runDue(id: string, now: number): Promise<void> {
    const { store } = this.#deps;
    const row = store.get(id);
    if (row === undefined || row.status !== "running") return;
    const specs = new Map(definitionOf(row).steps.map((spec) => [spec.id, spec]));
    const steps = store.steps(id);
    for (const step of steps) {
      const spec = specs.get(step.stepId);
      if (spec === undefined) continue;
      if (step.status === "running" && !this.#inFlight.has(attemptKey(id, step.stepId, step.attempt))) {
        if (isCall(spec.action)) this.#call(row, spec, step, { again: true }, indexSteps(steps));
        continue;
      }
      if (step.status === "running" && isCall(spec.action) && step.nextAt !== null && step.nextAt <= now) {
        // The attempt's own limit, kept by the alarm: a timer inside the Durable Object may not fire while it idles.
        const message = `no answer within ${attemptLimit(spec)} ms`;
        const tookMs = step.startedAt === null ? 0 : now - Date.parse(step.startedAt);
        await this.#complete(id, spec, step.attempt, failure({ code: "agent_timeout", message }), tookMs);
        return; // #complete advanced the workflow from fresh rows
      }
      if (step.status !== "waiting" || step.nextAt === null || step.nextAt > now) continue;
      if (spec.action.type === "delay") {
        this.#finishStep(row, step, { status: "succeeded", result: { waitedMs: spec.action.ms } });
      } else if (isCall(spec.action)) {
        this.#call(row, spec, step, { again: false }, indexSteps(steps));
      }
    }
  }

  async #finishOrSleep(id: string): Promise<void> {
    const { store, wakeups } = this.#deps;
    const row = store.get(id);
    if (row === undefined || row.status !== "running") return;
    const steps = store.steps(id);
    if (steps.every((step) => TERMINAL.has(step.status))) {
      await this.#finish(row, steps);
      return;
    }
    const times = steps.flatMap((step) =>
      (step.status === "waiting" || step.status === "running") && step.nextAt !== null ? [step.nextAt] : [],
    );
    if (row.deadlineAt !== null) times.push(row.deadlineAt);
    if (times.length > 0) await wakeups.schedule(wakeKey(id), Math.min(...times));
  }

  async #finish(row: WorkflowRow, steps: StepRow[]): Promise<void> {
    const { store, wakeups } = this.#deps;
    const specs = definitionOf(row).steps;
    const stopped = parseJson<WireError>(row.error);
    const error = stopped ?? firstFailure(specs, indexSteps(steps));
    const status = error === null ? "succeeded" : stopped?.code === "cancelled" ? "cancelled" : "failed";
    const finishedAt = new Date().toISOString();
    store.update(row.id, { status, finishedAt, error: error === null ? null : JSON.stringify(error) });
    await wakeups.cancel(wakeKey(row.id));
    const durationMs = row.startedAt === null ? 0 : Date.parse(finishedAt) - Date.parse(row.startedAt);
    const outcome = Object.fromEntries(steps.map((s) => [s.stepId, s.status])) as JsonObject;
    this.#emit(row, `workflow.${status}`, {
      outcome,
      durationMs,
      ...(error === null ? {} : { error: forEvent(error) }),
    });
    await this.#startQueued(row.concurrencyKey);
  }

  /** Cancel or whole-workflow timeout: nothing new starts, waits end, clean-up steps still run. */
  /**
   * Cancel or whole-workflow timeout. A queued workflow just ends. A running
   * one starts nothing new and ends its waits; calls already sent to the
   * agent finish and are recorded (a merge that lands is not hidden), and
   * clean-up steps run, all within CLEANUP_GRACE_MS.
   */
  async #stop(row: WorkflowRow, error: WireError): Promise<void> {
    const { store } = this.#deps;
    const now = Date.now();
    const at = new Date(now).toISOString();
    if (row.status === "queued") {
      for (const step of store.steps(row.id))
        store.updateStep(row.id, step.stepId, { status: "skipped", finishedAt: at });
      store.update(row.id, { startedAt: at, error: JSON.stringify(error) });
      await this.#finish({ ...row, startedAt: at, error: JSON.stringify(error) }, store.steps(row.id));
      return;
    }
    store.update(row.id, { error: JSON.stringify(error), deadlineAt: now + CLEANUP_GRACE_MS });
    for (const step of store.steps(row.id)) {
      if (step.status === "waiting") {
        store.updateStep(row.id, step.stepId, { status: "cancelled", finishedAt: at, nextAt: null });
        this.#emit(row, "workflow.step.failed", { stepId: step.stepId, attempt: step.attempt, error });
      }
    }
    await this.#advance(row.id);
  }

  /** The clean-up grace is over: whatever has not ended is cancelled, and late answers are ignored. */
  #abandon(row: WorkflowRow): void {
    const at = new Date().toISOString();
    const error: WireError = { code: "timeout", message: "abandoned: clean-up did not end in time" };
    for (const step of this.#deps.store.steps(row.id)) {
      if (step.status === "succeeded" || step.status === "failed" || step.status === "skipped") continue;
      if (step.status === "cancelled") continue;
      this.#deps.store.updateStep(row.id, step.stepId, { status: "cancelled", finishedAt: at, nextAt: null });
      this.#emit(row, "workflow.step.failed", { stepId: step.stepId, attempt: step.attempt, error });
    }
  }

  #begin(row: WorkflowRow, spec: WorkflowStepSpec, step: StepRow, steps: Map<string, StepRow>): void {
    const { store } = this.#deps;
    const now = Date.now();
    const startedAt = new Date(now).toISOString();
    const { action } = spec;
    if (isCall(action)) {
      this.#call(row, spec, step, { again: false }, steps);
      return;
    }
    if (action.type === "fail") {
      let details: Json | undefined;
      try {
        details = action.details === undefined ? undefined : fill(action.details, scopeOf(row, steps));
      } catch {
        details = undefined;
      }
      store.updateStep(row.id, step.stepId, { startedAt, attempt: 1 });
      const error: WireError = { code: action.code, message: action.message };
      if (details !== undefined) error.details = details;
      this.#finishStep(row, { ...step, startedAt, attempt: 1 }, { status: "failed", error });
      return;
    }
    const nextAt = action.type === "delay" ? now + action.ms : null;
    store.updateStep(row.id, step.stepId, { status: "waiting", startedAt, attempt: 1, nextAt });
    const inputs: Json = action.type === "approval" ? { prompt: action.prompt } : { ms: action.ms };
    this.#emit(row, "workflow.step.waiting", {
      stepId: step.stepId,
      attempt: 1,
      inputs,
      ...(nextAt === null ? {} : { nextAt: new Date(nextAt).toISOString() }),
    });
  }

  /** Sends one attempt (or, `again`, re-sends the running one after a restart) to the agent. */
  #call(
    row: WorkflowRow,
    spec: WorkflowStepSpec,
    step: StepRow,
    options: { again: boolean },
    steps: Map<string, StepRow>,
  ): void {
    const { action } = spec;
    if (!isCall(action)) return;
    const method = action.type === "call" ? action.method : `mcp:${action.tool}`;
    const { store } = this.#deps;
    const attempt = options.again ? step.attempt : step.attempt + 1;
    let params: Json;
    try {
      params = fill(action.type === "call" ? action.params : action.arguments, scopeOf(row, steps));
    } catch (error) {
      if (!(error instanceof MissingReference)) throw error;
      const message = `its params refer to ${error.path}, which is not set`;
      this.#finishStep(row, step, { status: "failed", error: { code: "bad_request", message } });
      return;
    }
    const now = Date.now();
    const startedAt = step.startedAt ?? new Date(now).toISOString();
    const pollDeadline = spec.poll === undefined ? null : (step.deadlineAt ?? now + spec.poll.timeoutMs);
    store.updateStep(row.id, step.stepId, {
      status: "running",
      attempt,
      startedAt,
      // While running, nextAt is when this attempt times out (kept by the alarm).
      nextAt: now + attemptLimit(spec),
      deadlineAt: pollDeadline,
    });
    if (!options.again) {
      this.#emit(row, "workflow.step.started", { stepId: step.stepId, method, attempt, inputs: summarize(params) });
    }
    const key = attemptKey(row.id, step.stepId, attempt);
    this.#inFlight.add(key);
    const sent = Date.now();
    let answer: Promise<Outcome<Json>>;
    if (action.type === "call") {
      answer = this.#deps.invoke({
        method: action.method,
        params: params as JsonObject,
        frameId: key,
        ...optionalTimeout(spec),
      });
    } else if (options.again) {
      // A hub call has no idempotency key: after a restart it is not sent again blindly; a retry policy may.
      const message = "interrupted by a control-plane restart: the tool may or may not have run";
      answer = Promise.resolve(failure({ code: "upstream_error", message }));
    } else {
      answer = this.#deps.callTool({ tool: action.tool, arguments: params as JsonObject, correlationId: key });
    }
    void answer
      .then((outcome) => this.#complete(row.id, spec, attempt, outcome, Date.now() - sent))
      .catch((error: unknown) => log("error", "workflow step crashed", { key, error: (error as Error).message }))
      .finally(() => this.#inFlight.delete(key));
  }

  async #complete(
    id: string,
    spec: WorkflowStepSpec,
    attempt: number,
    outcome: Outcome<Json>,
    tookMs: number,
  ): Promise<void> {
    const { store } = this.#deps;
    const row = store.get(id);
    const step = store.steps(id).find((s) => s.stepId === spec.id);
    // Cancelled, timed out or superseded meanwhile: this answer is no longer wanted.
    if (row === undefined || step === undefined || step.status !== "running" || step.attempt !== attempt) return;
    const now = Date.now();
    const pollOver = step.deadlineAt !== null && now >= step.deadlineAt;
    if (outcome.ok) {
      const result = outcome.value;
      const poll = spec.poll;
      if (poll === undefined || allHold(poll.until, { result })) {
        this.#finishStep(row, step, { status: "succeeded", result, tookMs });
      } else if (anyHolds(poll.failWhen, { result })) {
        const met = poll.failWhen.filter((condition) => holds(condition, { result }));
        const message = `stopped waiting: ${describeConditions(met, { result })}`;
        this.#finishStep(row, step, { status: "failed", result, error: { code: "precondition_failed", message } });
      } else if (pollOver) {
        const message = `gave up after ${Math.round(poll.timeoutMs / 1000)} s: ${describeConditions(poll.until, { result })}`;
        this.#finishStep(row, step, { status: "failed", result, error: { code: "timeout", message } });
      } else {
        const nextAt = now + growing(poll.intervalMs, POLL_FACTOR, poll.maxIntervalMs, attempt);
        store.updateStep(id, step.stepId, { status: "waiting", nextAt, result: JSON.stringify(result), error: null });
        this.#emit(row, "workflow.step.waiting", {
          stepId: step.stepId,
          attempt,
          outcome: summarize(result),
          nextAt: new Date(nextAt).toISOString(),
          durationMs: tookMs,
        });
      }
    } else if (outcome.error.code === "agent_unavailable" && (row.deadlineAt === null || now < row.deadlineAt)) {
      // The request never reached an agent: wait for one (a restart is in progress) without spending an attempt.
      const nextAt = now + AGENT_WAIT_MS;
      store.updateStep(id, step.stepId, { status: "waiting", attempt: attempt - 1, nextAt });
    } else {
      const { error } = outcome;
      const retryable = RETRYABLE_BY_CODE[error.code];
      const retry = spec.retry;
      let nextAt: number | null = null;
      if (retryable && spec.poll !== undefined && !pollOver) {
        nextAt = now + growing(spec.poll.intervalMs, POLL_FACTOR, spec.poll.maxIntervalMs, attempt);
      } else if (retryable && retry !== undefined && attempt < retry.attempts) {
        nextAt = now + growing(retry.backoffMs, retry.factor, retry.maxBackoffMs, attempt);
      }
      if (nextAt === null) {
        this.#finishStep(row, step, { status: "failed", error, tookMs });
      } else {
        store.updateStep(id, step.stepId, { status: "waiting", nextAt, error: JSON.stringify(error) });
        this.#emit(row, "workflow.step.failed", {
          stepId: step.stepId,
          attempt,
          error: forEvent(error),
          durationMs: tookMs,
          nextAt: new Date(nextAt).toISOString(),
        });
      }
    }
    await this.#advance(id);
  }

  #finishStep(
    row: WorkflowRow,
    step: StepRow,
    end: {
      status: "succeeded" | "failed" | "skipped";
      result?: Json;
      error?: WireError;
      tookMs?: number;
      actor?: string;
    },
  ): void {
    const finishedAt = new Date().toISOString();
    this.#deps.store.updateStep(row.id, step.stepId, {
      status: end.status,
      finishedAt,
      nextAt: null,
      result: end.result === undefined ? step.result : JSON.stringify(end.result),
      error: end.error === undefined ? null : JSON.stringify(end.error),
    });
    const durationMs = step.startedAt === null ? 0 : Date.parse(finishedAt) - Date.parse(step.startedAt);
    const payload: Partial<WorkflowEventPayload> = { stepId: step.stepId, attempt: step.attempt, durationMs };
    if (end.result !== undefined) payload.outcome = summarize(end.result);
    if (end.error !== undefined) payload.error = forEvent(end.error);
    this.#emit(row, `workflow.step.${end.status}`, payload, end.actor);
  }

  #skip(row: WorkflowRow, step: StepRow, reason: string): void {
    this.#finishStep(row, step, { status: "skipped", result: { reason } });
  }

  #emit(row: WorkflowRow, type: EventType, payload: Partial<WorkflowEventPayload>, actor?: string): void {
    this.#deps.record({
      projectId: row.projectId,
      type,
      payload: { workflowId: row.id, name: row.name, ...payload },
      actor: actor ?? row.actor,
    });
  }

  #view(id: string): Workflow {
    const row = this.#deps.store.get(id);
    if (row === undefined) throw new Error(`workflow ${id} vanished`);
    return toWorkflow(row, this.#deps.store.steps(id));
  }
}

// --- helpers ------------------------------------------------------------------------

export const wakeKey = (id: string): string => `${WAKE_PREFIX}:${id}`;
export const WORKFLOW_WAKE_OWNER = WAKE_PREFIX;

const attemptKey = (id: string, stepId: string, attempt: number): string => `${id}/${stepId}/${attempt}`;

const unknown = (id: string): WireError => ({ code: "not_found", message: `no workflow with id '${id}'` });
