/**
 * The ATT mode conversation: requests read by the command interpreter
 * (att-commands.ts) and their plans, run one step at a time through ATT's
 * own REST operations (and tool calls through ATT's MCP client hub). One log
 * for the whole UI (module level), so it stays when a step opens another project.
 */
import { api, call, type Schemas } from "#lib/api/client.ts";
import { ApiProblem } from "#lib/api/problem.ts";
import { duration } from "#lib/format.ts";
import { session } from "#lib/session.svelte.ts";
import { attemptsOf } from "#lib/settings/mcp-form.ts";
import { uuid } from "#lib/uuid.ts";
import { goto } from "$app/navigation";
import {
  describeStep,
  type Interpretation,
  interpret,
  type PlanStep,
  type Target,
  wantsHubTools,
} from "./att-commands.ts";
import { attemptLine, CALL_TIMEOUT_MS, callSummary, serverLine, serversSummary, toolResultText } from "./att-mcp.ts";

type Project = Schemas["Project"];

/** The most entries the log keeps (it lives for the whole page session); the oldest go first. */
const MAX_ENTRIES = 200;
type Step = PlanStep<Schemas["TemplateId"]>;

export type StepStatus = "pending" | "running" | "succeeded" | "failed" | "skipped";

export interface ResultItem {
  label: string;
  href?: string;
  status?: string;
}

export interface StepRun {
  step: Step;
  title: string;
  operation: string;
  route: string;
  status: StepStatus;
  startedAt: number | null;
  durationMs: number | null;
  /** One line saying what happened. */
  summary: string | null;
  /** A status word for a badge (the runtime's state, the tests' outcome...). */
  outcome: string | null;
  items: ResultItem[];
  /** Text the operation produced (a tool's answer), shown as it is. */
  output: string | null;
  link: { href: string; label: string } | null;
  error: unknown;
}

export type AttEntry =
  | { kind: "user"; id: string; text: string }
  | { kind: "plan"; id: string; steps: StepRun[]; state: "running" | "done" | "failed" }
  | { kind: "reading"; id: string }
  | { kind: "help"; id: string }
  | { kind: "unknown"; id: string; clauses: string[] }
  | { kind: "invalid"; id: string; message: string }
  | { kind: "error"; id: string; error: unknown };

interface Outcome {
  summary: string;
  outcome?: string;
  items?: ResultItem[];
  output?: string;
  link?: { href: string; label: string };
  /** The operation worked but its result is a failure (tests failed, deploy rolled back): the plan stops. */
  failed?: boolean;
}

function entryOf(interpretation: Interpretation<Schemas["TemplateId"]>): AttEntry {
  const id = uuid();
  switch (interpretation.kind) {
    case "plan":
      return {
        kind: "plan",
        id,
        state: "running",
        steps: interpretation.steps.map((step) => ({
          step,
          ...describeStep(step),
          status: "pending",
          startedAt: null,
          durationMs: null,
          summary: null,
          outcome: null,
          items: [],
          output: null,
          link: null,
          error: null,
        })),
      };
    case "help":
      return { kind: "help", id };
    case "unknown":
      return { kind: "unknown", id, clauses: interpretation.clauses };
    case "invalid":
      return { kind: "invalid", id, message: interpretation.message };
  }
}

const path = (id: string) => ({ params: { path: { id } } });

class Runner {
  readonly #created = new Map<number, Project>();

  async #projectId(target: Target): Promise<{ id: string; name: string }> {
    if (target.kind === "current") return { id: target.id, name: target.name };
    if (target.kind === "created") {
      const project = this.#created.get(target.step);
      if (project === undefined) throw new Error(`${target.name} was not created`);
      return { id: project.id, name: project.name };
    }
    const { projects } = await call(api.GET("/api/v1/projects"));
    const project = projects.find((p) => p.name === target.name);
    if (project === undefined) throw new Error(`There is no project named ${target.name} (any more).`);
    return { id: project.id, name: project.name };
  }

  async run(step: Step, index: number): Promise<Outcome> {
    if (step.op === "create") {
      const { project } = await call(
        api.POST("/api/v1/projects", { body: { name: step.name, template: step.template } }),
      );
      this.#created.set(index, project);
      return {
        summary: `Created ${project.name} from the ${step.template} template in ${project.path}.`,
        outcome: project.status,
        link: { href: `/projects/${project.id}`, label: `Open ${project.name}` },
      };
    }
    if (step.op === "list") {
      const { projects } = await call(api.GET("/api/v1/projects"));
      return {
        summary: projects.length === 0 ? "There are no projects yet." : `${projects.length} project(s):`,
        items: projects.map((p) => ({ label: p.name, href: `/projects/${p.id}`, status: p.status })),
      };
    }
    if (step.op === "mcp-tools") {
      const { servers } = await call(api.GET("/api/v1/mcp/servers"));
      return {
        summary: serversSummary(servers),
        items: servers.map((server) => ({ label: serverLine(server), status: server.status })),
        link: { href: "/settings", label: "Manage MCP servers in Settings" },
      };
    }
    if (step.op === "call") return callTool(step.tool, step.arguments);
    const { id, name } = await this.#projectId(step.target);
    return this.#targeted(step.op, id, name);
  }

  async #targeted(
    op: Exclude<PlanStep["op"], "create" | "list" | "mcp-tools" | "call">,
    id: string,
    name: string,
  ): Promise<Outcome> {
    switch (op) {
      case "start":
      case "restart":
      case "stop": {
        const route =
          op === "start"
            ? "/api/v1/projects/{id}/runtime/start"
            : op === "stop"
              ? "/api/v1/projects/{id}/runtime/stop"
              : "/api/v1/projects/{id}/runtime/restart";
        const { status } = await call(api.POST(route, { ...path(id), body: {} }));
        return runtimeOutcome(name, status);
      }
      case "status": {
        const [{ project }, { status }] = await Promise.all([
          call(api.GET("/api/v1/projects/{id}", path(id))),
          call(api.GET("/api/v1/projects/{id}/runtime/status", path(id))),
        ]);
        const outcome = runtimeOutcome(name, status);
        return { ...outcome, summary: `Project ${name} is ${project.status}. ${outcome.summary}` };
      }
      case "test": {
        const { run } = await call(api.POST("/api/v1/projects/{id}/test/run", { ...path(id), body: {} }));
        const c = run.counts;
        return {
          summary: `${run.framework}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped, ${c.errors} errors in ${duration(run.durationMs)}.${run.reason === null ? "" : ` ${run.reason}`}`,
          outcome: run.status,
          items: run.failures.slice(0, 10).map((f) => ({ label: `${f.id}: ${f.message}` })),
          link: { href: `/projects/${id}/tests`, label: "Open the Tests tab" },
          failed: run.status !== "passed",
        };
      }
      case "build": {
        const { release } = await call(api.POST("/api/v1/projects/{id}/deploy/build", { ...path(id), body: {} }));
        return {
          summary: `Release v${release.version} of ${name}: ${release.files} files, ${release.bytes} bytes, sha256 ${release.sha256.slice(0, 12)}…`,
          outcome: "succeeded",
        };
      }
      case "deploy": {
        const { deployment, runtime } = await call(
          api.POST("/api/v1/projects/{id}/deploy/run", { ...path(id), body: {} }),
        );
        return {
          summary: `Release v${deployment.version}: ${deployment.outcome.replaceAll("_", " ")}${deployment.reason === null ? "" : ` (${deployment.reason})`}; the app is ${runtime.state}${runtime.url === null ? "" : ` at ${runtime.url}`}.`,
          outcome: deployment.outcome,
          link: { href: `/projects/${id}/deploy`, label: "Open the Deploy tab" },
          failed: deployment.outcome !== "succeeded",
        };
      }
      case "open": {
        await call(api.GET("/api/v1/projects/{id}", path(id)));
        await goto(`/projects/${id}/chat`);
        return { summary: `Opened ${name}.` };
      }
    }
  }
}

/** A tool call by name through the hub: the answer and the server that gave it, or every server that failed. */
async function callTool(tool: string, args: Record<string, unknown>): Promise<Outcome> {
  const body = { name: tool, arguments: args, timeoutMs: CALL_TIMEOUT_MS, skipUnreachable: false };
  try {
    const answer = await call(api.POST("/api/v1/mcp/tools/call", { body }));
    return {
      summary: callSummary(answer),
      outcome: answer.result.isError ? "error" : "succeeded",
      items: answer.attempts.filter((a) => !a.ok).map((a) => ({ label: attemptLine(a), status: "failed" })),
      output: toolResultText(answer.result),
      failed: answer.result.isError,
    };
  } catch (error) {
    // A 502 carries every server tried; anything else (no server offers the tool, ...) is shown as the problem.
    const attempts = error instanceof ApiProblem ? attemptsOf<Schemas["McpCallAttempt"]>(error.problem.details) : [];
    if (attempts.length === 0) throw error;
    return {
      summary: `The call of ${tool} failed on every server tried (${attempts.length}):`,
      outcome: "failed",
      items: attempts.map((a) => ({ label: attemptLine(a), status: "failed" })),
      failed: true,
    };
  }
}

function runtimeOutcome(name: string, status: Schemas["RuntimeStatus"]): Outcome {
  const where = status.url === null ? "" : ` at ${status.url}`;
  const why = status.reason === null ? "" : ` (${status.reason})`;
  return {
    summary: `${name}'s app is ${status.state}${where}${why}.`,
    outcome: status.state,
  };
}

let templates: Promise<Schemas["Template"][]> | null = null;

/**
 * The templates, asked once per page load (the agent runs `nat --version` to
 * answer, which is slow); a failure is not kept, so the next request asks again.
 */
export function templateList(): Promise<Schemas["Template"][]> {
  templates ??= call(api.GET("/api/v1/templates")).then(
    (result) => result.templates,
    (error: unknown) => {
      templates = null;
      throw error;
    },
  );
  return templates;
}

/** The tool names the hub's servers list; null if the hub cannot say now (the call itself then finds out). */
function hubToolNames(): Promise<string[] | null> {
  return call(api.GET("/api/v1/mcp/servers")).then(
    ({ servers }) => servers.flatMap((server) => server.tools.map((tool) => tool.name)),
    () => null,
  );
}

export class AttChat {
  entries = $state<AttEntry[]>([]);
  draft = $state("");
  busy = $derived(this.entries.some((e) => e.kind === "reading" || (e.kind === "plan" && e.state === "running")));

  clear(): void {
    this.entries = [];
  }

  /** Reads the request with the live templates and project names, then runs the plan it makes. */
  async ask(text: string, current: { id: string; name: string } | null): Promise<void> {
    this.entries.push({ kind: "user", id: uuid(), text });
    const reading = uuid();
    this.entries.push({ kind: "reading", id: reading });
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
    let next: AttEntry;
    try {
      const [templates, { projects }, mcpTools] = await Promise.all([
        templateList(),
        call(api.GET("/api/v1/projects")),
        wantsHubTools(text) ? hubToolNames() : null,
      ]);
      next = entryOf(interpret(text, { templates, projectNames: projects.map((p) => p.name), current, mcpTools }));
    } catch (error) {
      next = { kind: "error", id: uuid(), error };
    }
    const index = this.entries.findIndex((e) => e.id === reading);
    if (index === -1) return; // cleared meanwhile
    this.entries[index] = next;
    const entry = this.entries[index];
    if (entry?.kind === "plan") await this.#run(entry);
  }

  async #run(entry: Extract<AttEntry, { kind: "plan" }>): Promise<void> {
    const runner = new Runner();
    for (const [index, run] of entry.steps.entries()) {
      run.status = "running";
      run.startedAt = Date.now();
      try {
        const outcome = await runner.run(run.step, index);
        run.summary = outcome.summary;
        run.outcome = outcome.outcome ?? null;
        run.items = outcome.items ?? [];
        run.output = outcome.output ?? null;
        run.link = outcome.link ?? null;
        run.status = outcome.failed === true ? "failed" : "succeeded";
      } catch (error) {
        run.error = error;
        run.status = "failed";
      }
      run.durationMs = Date.now() - run.startedAt;
      if (run.status === "failed") {
        for (const rest of entry.steps.slice(index + 1)) rest.status = "skipped";
        entry.state = "failed";
        return;
      }
    }
    entry.state = "done";
  }
}

export const attChat = new AttChat();

/** Forgets the ATT log and draft (sign-out: the next person must not see it). */
export function clearAttChat(): void {
  attChat.clear();
  attChat.draft = "";
}
// Registered with the session rather than imported by it: session -> chat -> api client -> session would be a cycle.
session.onSignOut(clearAttChat);
