/**
 * The Chat view's ATT mode: a fixed, deterministic interpreter (not an AI
 * model) that turns short English requests such as "create a project from
 * the chatbot template and run it" into a plan of ATT's own REST operations.
 * Clauses are chained with "and" / "then"; "it" is the project created
 * earlier in the plan, else the project of the current page. It also lists
 * the tools of ATT's MCP client hub and calls one by name ("call <tool> with
 * <json>", read by att-mcp.ts). Anything it cannot read is reported as not
 * understood, never guessed.
 */
import { argumentsLabel, CALL_EXAMPLE, readToolCall, type ToolArguments, unknownToolMessage } from "./att-mcp.ts";

export type TargetOp = "start" | "stop" | "restart" | "test" | "build" | "deploy" | "status" | "open";

/** Which project a step acts on; named and created projects are looked up when the step runs. */
export type Target =
  | { kind: "current"; id: string; name: string }
  | { kind: "created"; step: number; name: string }
  | { kind: "named"; name: string };

/** `T` is the template id type (the API's TemplateId), so a planned create step is typed for the call. */
export type PlanStep<T extends string = string> =
  | { op: "create"; name: string; template: T; generatedName: boolean }
  | { op: "list" }
  | { op: "mcp-tools" }
  | { op: "call"; tool: string; arguments: ToolArguments }
  | { op: TargetOp; target: Target };

export interface TemplateInfo<T extends string = string> {
  id: T;
  title: string;
  available: boolean;
}

export interface InterpretContext<T extends string = string> {
  templates: readonly TemplateInfo<T>[];
  /** Names of the projects that exist now. */
  projectNames: readonly string[];
  /** The project of the page the chat is on. */
  current: { id: string; name: string } | null;
  /** The tool names the hub's servers list, for a tool call; null or absent: unknown (the hub checks when called). */
  mcpTools?: readonly string[] | null;
}

export type Interpretation<T extends string = string> =
  | { kind: "plan"; steps: PlanStep<T>[] }
  | { kind: "help" }
  | { kind: "unknown"; clauses: string[] }
  | { kind: "invalid"; message: string };

/** What the interpreter understands, as shown to the user. */
export const KNOWN_COMMANDS: readonly { example: string; meaning: string }[] = [
  { example: "create a project called my_bot from the chatbot template", meaning: "projects.create" },
  { example: "run it / start the app", meaning: "runtime.start" },
  { example: "stop it", meaning: "runtime.stop" },
  { example: "restart", meaning: "runtime.restart" },
  { example: "run the tests", meaning: "test.run" },
  { example: "build a release", meaning: "deploy.build" },
  { example: "deploy", meaning: "deploy.run (the newest release)" },
  { example: "show status", meaning: "projects.get + runtime.status" },
  { example: "list projects", meaning: "projects.list" },
  { example: "open my_bot", meaning: "go to that project" },
  { example: "list mcp tools", meaning: "mcp.servers (the MCP hub's servers and their tools)" },
  { example: CALL_EXAMPLE, meaning: "mcp.call (by tool name, failing over across servers)" },
];

const NAME = /^[a-z][a-z0-9_]{0,63}$/;
/** Words that carry no meaning for the target of a command. */
const FILLER = new Set(
  "the a an my our this that it its it's app application project runtime server service workflow nat again now please up down for of in on me all newest latest new release tests test suite".split(
    " ",
  ),
);
const NAME_STOP = new Set(
  "from with using based on called named of for that which and the a an template then it".split(" "),
);
const CLAUSE_SPLIT = /\s*(?:[;.!?](?:\s+|$)|,|\band\s+then\b|\bthen\b|\band\b|\bafter\s+that\b|\bafterwards\b)\s*/;
const POLITE = /^(?:please|can you|could you|would you|i want to|i'd like to|i would like to|let's|lets|now|also)\s+/;

function normalize(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/\s+/g, " ")
    .trim();
}

/** Splits a request into clauses: "a and b, then c" → [a, b, c]. */
export function splitClauses(text: string): string[] {
  return normalize(text)
    .split(CLAUSE_SPLIT)
    .map((clause) => {
      let rest = clause.replace(/["'`]+$|^["'`]+/g, "").trim();
      for (let previous = ""; previous !== rest; ) {
        previous = rest;
        rest = rest.replace(POLITE, "").replace(/\s+(?:please|for me)$/, "");
      }
      return rest;
    })
    .filter((clause) => clause !== "");
}

/** "Tool-calling agent" → a pattern matching "tool calling agent", "tool_calling_agent", "tool-calling agent". */
function aliasPattern(alias: string): string {
  return alias
    .toLowerCase()
    .split(/[\s_-]+/)
    .filter((word) => word !== "")
    .map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[\\s_-]+");
}

interface Alias<T extends string> {
  template: T;
  pattern: string;
}

function aliasesOf<T extends string>(templates: readonly TemplateInfo<T>[]): Alias<T>[] {
  const aliases: Alias<T>[] = [];
  for (const template of templates) {
    for (const alias of new Set([template.id, template.title])) {
      aliases.push({ template: template.id, pattern: aliasPattern(alias) });
    }
  }
  // Longest first, so "rag starter" wins over "rag".
  return aliases.sort((a, b) => b.pattern.length - a.pattern.length);
}

function findTemplate<T extends string>(clause: string, aliases: readonly Alias<T>[]): T | null {
  for (const alias of aliases) {
    const after = new RegExp(
      `\\b(?:from|using|with|based on|of)\\s+(?:the\\s+|a\\s+)?(?:template\\s+)?${alias.pattern}\\b`,
    );
    const before = new RegExp(`\\b${alias.pattern}\\s+(?:template|project|app|starter)\\b`);
    if (after.test(clause) || before.test(clause)) return alias.template;
  }
  return null;
}

/** A name the user gave, made snake_case ("my-bot" → "my_bot"). */
function projectName(raw: string): string {
  return raw.replace(/^["'`]+|["'`]+$/g, "").replace(/-/g, "_");
}

function explicitName(clause: string, aliases: readonly Alias<string>[]): string | null {
  const called = /\b(?:called|named|name)\s+["'`]?([a-z0-9][a-z0-9_-]*)/.exec(clause);
  if (called?.[1] !== undefined) return projectName(called[1]);
  const after = /\b(?:project|app)\s+["'`]?([a-z0-9][a-z0-9_-]*)/.exec(clause);
  const word = after?.[1];
  if (word === undefined || NAME_STOP.has(word)) return null;
  if (aliases.some((alias) => new RegExp(`^${alias.pattern}$`).test(word))) return null;
  return projectName(word);
}

function freshName(template: string, taken: ReadonlySet<string>): string {
  const base = template === "empty" ? "project" : `${template}_app`;
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) if (!taken.has(`${base}_${n}`)) return `${base}_${n}`;
}

class Planner<T extends string> {
  readonly steps: PlanStep<T>[] = [];
  readonly unknown: string[] = [];
  invalid: string | null = null;
  readonly #context: InterpretContext<T>;
  readonly #aliases: Alias<T>[];
  readonly #taken: Set<string>;

  constructor(context: InterpretContext<T>) {
    this.#context = context;
    this.#aliases = aliasesOf(context.templates);
    this.#taken = new Set(context.projectNames);
  }

  #fail(message: string): void {
    this.invalid ??= message;
  }

  /** The project created last in the plan, else the page's project. */
  #defaultTarget(): Target | null {
    for (let i = this.steps.length - 1; i >= 0; i -= 1) {
      const step = this.steps[i];
      if (step?.op === "create") return { kind: "created", step: i, name: step.name };
    }
    const current = this.#context.current;
    return current === null ? null : { kind: "current", ...current };
  }

  /** The target named in `rest` ("it", "bot2", "the app of bot2"), or undefined when `rest` is not a target. */
  #target(rest: string): Target | null | undefined {
    const words = rest
      .split(/\s+/)
      .map((word) => word.replace(/^["'`]+|["'`]+$/g, "").replace(/'s$/, ""))
      .filter((word) => word !== "" && !FILLER.has(word));
    if (words.length === 0) return this.#defaultTarget();
    if (words.length > 1) return undefined;
    const name = projectName(words[0] ?? "");
    const created = this.steps.findIndex((step) => step.op === "create" && step.name === name);
    if (created !== -1) return { kind: "created", step: created, name };
    const current = this.#context.current;
    if (current !== null && current.name === name) return { kind: "current", ...current };
    if (!this.#context.projectNames.includes(name)) {
      this.#fail(`There is no project named “${name}”. Say “list projects” to see them.`);
      return null;
    }
    return { kind: "named", name };
  }

  #targeted(op: TargetOp, clause: string, rest: string): void {
    const target = this.#target(rest);
    if (target === undefined) this.unknown.push(clause);
    else if (target === null) this.#fail(`Which project should “${clause}” act on? Name it, e.g. “${op} my_bot”.`);
    else this.steps.push({ op, target });
  }

  #create(clause: string): void {
    const template = findTemplate(clause, this.#aliases);
    const named = /\b(?:from|using|based on)\s+(?:the\s+|a\s+)?([a-z0-9_-]+)\s+template\b/.exec(clause)?.[1];
    if (template === null && named !== undefined) {
      const known = this.#context.templates.map((t) => t.id).join(", ");
      this.#fail(`There is no template “${named}”. Templates: ${known}.`);
      return;
    }
    if (template === null && !/\b(?:project|app)\b/.test(clause)) {
      this.unknown.push(clause);
      return;
    }
    const chosen = template ?? this.#context.templates.find((t) => t.id === "empty")?.id;
    if (chosen === undefined) {
      this.#fail(`Say which template to use: ${this.#context.templates.map((t) => t.id).join(", ")}.`);
      return;
    }
    const given = explicitName(clause, this.#aliases);
    if (given !== null && !NAME.test(given)) {
      this.#fail(
        `“${given}” cannot be a project name: use snake_case, starting with a lowercase letter (e.g. my_bot).`,
      );
      return;
    }
    if (given !== null && this.#taken.has(given)) {
      this.#fail(`A project named “${given}” already exists: choose another name, or say “open ${given}”.`);
      return;
    }
    const name = given ?? freshName(chosen, this.#taken);
    this.#taken.add(name);
    this.steps.push({ op: "create", name, template: chosen, generatedName: given === null });
  }

  read(clause: string): void {
    if (LIST.test(clause)) {
      this.steps.push({ op: "list" });
      return;
    }
    if (MCP_LIST.test(clause)) {
      this.steps.push({ op: "mcp-tools" });
      return;
    }
    if (/^call\s+(?!it\b)\S/.test(clause)) {
      this.#fail(`A tool call is a request of its own (its JSON arguments run to the end), e.g. ${CALL_EXAMPLE}.`);
      return;
    }
    for (const rule of RULES) {
      const match = rule.pattern.exec(clause);
      if (match === null) continue;
      if (rule.op === "create") this.#create(clause);
      else this.#targeted(rule.op, clause, match[1] ?? "");
      return;
    }
    this.unknown.push(clause);
  }
}

const LIST = /^(?:list|show|what are|which are)\s+(?:me\s+)?(?:all\s+)?(?:the\s+|my\s+)?projects\b|^projects$/;
/** "list mcp tools", "mcp tools", "show the hub's servers", "list tools of the hub". */
const MCP_LIST =
  /^(?:(?:list|show|what are|which are)\s+(?:me\s+)?(?:all\s+)?(?:the\s+)?(?:hub'?s\s+)?(?:mcp\s+)?(?:hub\s+)?|(?:the\s+)?(?:mcp\s+)(?:hub\s+)?)(?:tools|servers)(?:\s+(?:of|on|in|from)\s+(?:the\s+)?(?:mcp\s+)?hub)?$/;

/** First match wins: tests before "run", releases before "create", "status" before "show <name>". */
const RULES: readonly { op: TargetOp | "create"; pattern: RegExp }[] = [
  { op: "test", pattern: /^(?:run|execute)\s+(?:all\s+)?(?:of\s+)?(?:the\s+|its\s+|my\s+)?(?:unit\s+)?tests?\b(.*)$/ },
  { op: "test", pattern: /^test\b(.*)$/ },
  { op: "build", pattern: /^(?:build|make|create|cut|package)\s+(?:a\s+|an\s+|the\s+)?(?:new\s+)?release\b(.*)$/ },
  { op: "build", pattern: /^build\b(.*)$/ },
  { op: "deploy", pattern: /^(?:deploy|ship)\b(.*)$/ },
  { op: "create", pattern: /^(?:create|make|add|set up|setup|scaffold|generate|new|start a new)\b/ },
  { op: "restart", pattern: /^(?:restart|reboot|reload|relaunch)\b(.*)$/ },
  { op: "start", pattern: /^(?:run|start|launch|boot|serve|bring up)\b(.*)$/ },
  { op: "stop", pattern: /^(?:stop|shut down|shutdown|kill|halt)\b(.*)$/ },
  { op: "status", pattern: /^(?:(?:show|get|check|what's|what is)\s+)?(?:me\s+)?(?:the\s+)?status\b(.*)$/ },
  { op: "open", pattern: /^(?:open|go to|goto|switch to|show)\s+(.+)$/ },
];

/** Reads a request into a plan, or says what it could not read. */
export function interpret<T extends string>(text: string, context: InterpretContext<T>): Interpretation<T> {
  const toolCall = readToolCall(text);
  if (toolCall !== null) return interpretToolCall(toolCall, context.mcpTools ?? null);
  const clauses = splitClauses(text);
  if (clauses.length === 0 || clauses.every((c) => /^(?:help|\?|what can you do|commands)\b/.test(c)))
    return { kind: "help" };
  const planner = new Planner(context);
  for (const clause of clauses) planner.read(clause);
  if (planner.unknown.length > 0) return { kind: "unknown", clauses: planner.unknown };
  if (planner.invalid !== null) return { kind: "invalid", message: planner.invalid };
  return { kind: "plan", steps: planner.steps };
}

/** A tool call is a plan of one step, once the tool is known to be offered (when the hub's tools are known). */
function interpretToolCall<T extends string>(
  request: NonNullable<ReturnType<typeof readToolCall>>,
  tools: readonly string[] | null,
): Interpretation<T> {
  if (request.kind === "invalid") return request;
  const unknown = tools === null ? null : unknownToolMessage(request.tool, tools);
  if (unknown !== null) return { kind: "invalid", message: unknown };
  return { kind: "plan", steps: [{ op: "call", tool: request.tool, arguments: request.arguments }] };
}

/** Whether reading `text` needs the hub's tool names (it is a tool call). */
export function wantsHubTools(text: string): boolean {
  return readToolCall(text)?.kind === "call";
}

const OPERATIONS: Record<PlanStep["op"], { operation: string; route: string }> = {
  create: { operation: "projects.create", route: "POST /api/v1/projects" },
  list: { operation: "projects.list", route: "GET /api/v1/projects" },
  start: { operation: "runtime.start", route: "POST /api/v1/projects/{id}/runtime/start" },
  stop: { operation: "runtime.stop", route: "POST /api/v1/projects/{id}/runtime/stop" },
  restart: { operation: "runtime.restart", route: "POST /api/v1/projects/{id}/runtime/restart" },
  test: { operation: "test.run", route: "POST /api/v1/projects/{id}/test/run" },
  build: { operation: "deploy.build", route: "POST /api/v1/projects/{id}/deploy/build" },
  deploy: { operation: "deploy.run", route: "POST /api/v1/projects/{id}/deploy/run" },
  status: { operation: "runtime.status", route: "GET /api/v1/projects/{id}/runtime/status" },
  open: { operation: "projects.get", route: "GET /api/v1/projects/{id}, then go to its page" },
  "mcp-tools": { operation: "mcp.servers", route: "GET /api/v1/mcp/servers" },
  call: { operation: "mcp.call", route: "POST /api/v1/mcp/tools/call" },
};

/** How a step is shown in the plan: a sentence, and the ATT operation and route it calls. */
export function describeStep(step: PlanStep): { title: string; operation: string; route: string } {
  const { operation, route } = OPERATIONS[step.op];
  switch (step.op) {
    case "create":
      return {
        title: `Create project ${step.name} from the ${step.template} template${step.generatedName ? " (name chosen for you)" : ""}`,
        operation,
        route,
      };
    case "list":
      return { title: "List the projects", operation, route };
    case "mcp-tools":
      return { title: "List the MCP hub's servers and their tools", operation, route };
    case "call":
      return { title: `Call the MCP tool ${step.tool} with ${argumentsLabel(step.arguments)}`, operation, route };
    case "start":
      return { title: `Start ${step.target.name}'s app and wait until it is healthy`, operation, route };
    case "stop":
      return { title: `Stop ${step.target.name}'s app`, operation, route };
    case "restart":
      return { title: `Restart ${step.target.name}'s app`, operation, route };
    case "test":
      return { title: `Run ${step.target.name}'s tests`, operation, route };
    case "build":
      return { title: `Build a release of ${step.target.name}`, operation, route };
    case "deploy":
      return { title: `Deploy ${step.target.name}'s newest release`, operation, route };
    case "status":
      return { title: `Show ${step.target.name}'s status`, operation, route };
    case "open":
      return { title: `Open ${step.target.name}`, operation, route };
  }
}
