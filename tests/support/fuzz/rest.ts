/**
 * REST cases for the fuzz suite, derived from the served OpenAPI document:
 * bad bodies for every POST/PUT operation and bad path params and query
 * strings for every GET operation. Operations that could harm the host or
 * change what the test checks (commands, network, deploys, project creation,
 * workflows) only ever receive bodies their schema refuses: `refuseOnly`
 * proves that before a request is sent.
 */
import { AGENT_METHODS, type AgentMethod, McpServerCreate, SelfChangeRequest, WorkflowCreate } from "@att/shared";
import fc from "fast-check";
import { z } from "zod";
import type { RawRequest } from "./http.ts";
import {
  type BodySpec,
  bodySpec,
  buildBody,
  contentType,
  junkFilePath,
  junkSegment,
  junkText,
  LONG_NAMES,
} from "./inputs.ts";

export interface Operation {
  method: "get" | "post" | "put";
  path: string;
  /** The agent operation behind the route (`x-att-operation`), if any. */
  operation: string | null;
  bodyProperties: string[];
  queryParameters: string[];
}

export interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> };
}

interface OpenApiOperation {
  "x-att-operation"?: string;
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content?: Record<string, { schema?: { $ref?: string; properties?: Record<string, unknown> } }> };
}

/** Every GET, POST and PUT operation the document lists. */
export function operationsOf(doc: OpenApiDoc): Operation[] {
  const operations: Operation[] = [];
  for (const [path, byMethod] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(byMethod)) {
      if (method !== "get" && method !== "post" && method !== "put") continue;
      let schema = op.requestBody?.content?.["application/json"]?.schema;
      const ref = schema?.$ref?.replace("#/components/schemas/", "");
      if (ref !== undefined) schema = doc.components?.schemas?.[ref];
      operations.push({
        method,
        path,
        operation: op["x-att-operation"] ?? null,
        bodyProperties: Object.keys(schema?.properties ?? {}),
        queryParameters: (op.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name),
      });
    }
  }
  return operations;
}

/**
 * Agent operations that run commands, reach the network, deploy, or create
 * projects: the fuzzer sends them only bodies their params schema refuses.
 */
const REFUSE_ONLY_OPERATIONS: readonly AgentMethod[] = [
  "terminal.run",
  "projects.create",
  "projects.clone",
  "projects.import",
  "deploy.build",
  "deploy.run",
  "deploy.rollback",
  "runtime.start",
  "runtime.restart",
  "runtime.stop",
  "runtime.send",
  "tests.run",
  "nat.run",
  "nat.eval",
  "git.push",
  "git.pr.create",
  "git.pr.merge",
  "git.pr.review",
];

/** Routes answered by the workspace itself that would start work or reach out: refused bodies only. */
const REFUSE_ONLY_ROUTES: Readonly<Record<string, z.ZodType>> = {
  "POST /api/v1/mcp/servers": McpServerCreate, // registers (and runs, for stdio) an external server
  "POST /api/v1/workflows": WorkflowCreate, // runs agent operations as steps
  "POST /api/v1/projects/{id}/self/changes": SelfChangeRequest,
};

/**
 * Accounts, tokens, pairings and sign-in (issue 7, still changing): they would
 * create users and credentials. Their bodies are objects, so sending anything
 * but an object is refused whatever their exact schema says.
 */
const ACCOUNT_PATH = /^\/api\/v1\/(workspaces?|tokens|agents|users|session|me)(\/|$)/;
const ANY_OBJECT = z.unknown().refine((value) => typeof value === "object" && value !== null && !Array.isArray(value));

/** The schema that must refuse every body sent to this operation, or null when valid bodies are fine. */
function refuseOnlySchema(op: Operation): { schema: z.ZodType; withIds: boolean } | null {
  if (ACCOUNT_PATH.test(op.path)) return { schema: ANY_OBJECT, withIds: false };
  const route = REFUSE_ONLY_ROUTES[`${op.method.toUpperCase()} ${op.path}`];
  if (route !== undefined) return { schema: route, withIds: false };
  const method = op.operation as AgentMethod | null;
  if (method === null || !REFUSE_ONLY_OPERATIONS.includes(method)) return null;
  return { schema: AGENT_METHODS[method].params as z.ZodType, withIds: true };
}

/** Whether this operation may only ever get bodies its schema refuses (schemathesis leaves it out altogether). */
export const isRefuseOnly = (op: Operation): boolean => refuseOnlySchema(op) !== null;

/** Routes without an id in their path that may get valid bodies: harmless answers (a ping; no MCP server is registered to call). */
const VALID_BODIES_OK: ReadonlySet<string> = new Set(["POST /api/v1/agent/ping", "POST /api/v1/mcp/tools/call"]);

/**
 * POST/PUT operations nobody has decided about: not refuse-only, and with no
 * id in the path (an unknown id is refused before any work). The suite fails
 * on them, so a new route gets a policy before it is fuzzed.
 */
export function unclassified(operations: readonly Operation[]): string[] {
  const key = (op: Operation) => `${op.method.toUpperCase()} ${op.path}`;
  return operations
    .filter((op) => op.method !== "get" && refuseOnlySchema(op) === null)
    .filter((op) => !op.path.includes("{") && !VALID_BODIES_OK.has(key(op)))
    .map(key);
}

/** Makes sure a body the schema would accept is not sent as is: wraps it in an array, which no object schema takes. */
export function refuseOnly(op: Operation, body: string | Uint8Array | undefined): string | Uint8Array | undefined {
  const guard = refuseOnlySchema(op);
  if (guard === null || body === undefined) return body;
  const text = typeof body === "string" ? body : Buffer.from(body).toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return body;
  }
  const accepts = (candidate: unknown) => {
    const withIds =
      guard.withIds && typeof candidate === "object" && candidate !== null && !Array.isArray(candidate)
        ? { projectId: "fz0", path: "fz.txt", ...candidate }
        : candidate;
    return guard.schema.safeParse(withIds).success;
  };
  if (!accepts(value)) return body;
  if (accepts([value])) throw new Error(`cannot make a refused body for ${op.method} ${op.path}`);
  // Wrapped as text: a deeply nested value parses, but may not serialize again.
  return `[${text}]`;
}

/** Ids that look valid but name nothing: project-scoped writes are refused by the agent (404) before any work. */
export const unknownId: fc.Arbitrary<string> = fc.stringMatching(/^fz[a-z0-9]{6,20}$/);

export interface BodyCase {
  op: Operation;
  ids: Record<string, string>;
  body: BodySpec;
  contentType: string | null;
}

export function bodyCase(operations: readonly Operation[]): fc.Arbitrary<BodyCase> {
  return fc.constantFrom(...operations).chain((op) =>
    fc.record({
      op: fc.constant(op),
      ids: fc.record({ id: unknownId, other: unknownId, path: fc.stringMatching(/^fz\/[a-z]{1,8}\.txt$/) }),
      body: bodySpec(op.bodyProperties),
      contentType,
    }),
  );
}

function fillPath(template: string, values: { id: string; other: string; path: string }): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) =>
    name === "id" ? values.id : name === "path" ? values.path : values.other,
  );
}

export function bodyRequest(c: BodyCase, token: string): RawRequest {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (c.contentType !== null) headers["content-type"] = c.contentType;
  const body = refuseOnly(c.op, buildBody(c.body));
  return {
    method: c.op.method.toUpperCase(),
    path: fillPath(c.op.path, { id: c.ids.id ?? "", other: c.ids.other ?? "", path: c.ids.path ?? "" }),
    headers,
    ...(body === undefined ? {} : { body }),
  };
}

export interface QueryCase {
  op: Operation;
  /** The Authorization header: the real one, or junk that must get 401 (or pass on public paths). */
  auth: string | null;
  id: string;
  other: string;
  path: string;
  query: Array<[string, string]>;
  rawSuffix: string;
}

/** Values a query parameter might be given: junk, edge numbers, several at once. */
const queryValue: fc.Arbitrary<string> = fc.oneof(
  junkText,
  fc.constantFrom(...LONG_NAMES, `src/${LONG_NAMES[0]}`, "x/".repeat(2100)),
  fc.constantFrom("0", "-1", "1", "true", "false", "yes", "1.5", "1e3", "9007199254740993", "", "asc", "desc"),
  fc.integer().map(String),
);

/** Authorization headers that must not pass: wrong scheme, empty, junk, a dead personal token, very long. */
const junkAuthorization: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "",
    "Bearer",
    "Bearer ",
    "Basic dXNlcjpwYXNz",
    "Bearer attp_fz",
    "Bearer attp_",
    "Token x",
    "Bearer\tx",
  ),
  fc.stringMatching(/^[\x20-\x7e]{0,200}$/),
  fc.constantFrom(8_000, 60_000).map((n) => `Bearer ${"a".repeat(n)}`),
);

/** GET cases: path params real, unknown or junk; query params by name with junk values, repeated, or raw junk. */
export function queryCase(operations: readonly Operation[], realProjectId: string): fc.Arbitrary<QueryCase> {
  return fc.constantFrom(...operations).chain((op) =>
    fc.record({
      op: fc.constant(op),
      auth: fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: junkAuthorization }),
      // Mostly the real project: that is where the agent's code runs on the input.
      id: fc.oneof({ weight: 3, arbitrary: fc.constant(realProjectId) }, unknownId, junkSegment),
      other: fc.oneof(unknownId, junkSegment),
      path: fc.oneof(junkFilePath, fc.constantFrom("README.md", "src/../README.md", ".git/config")),
      query: fc.array(
        fc.tuple(
          op.queryParameters.length > 0
            ? fc.oneof(fc.constantFrom(...op.queryParameters), junkText)
            : junkText.map((t) => t),
          queryValue,
        ),
        { maxLength: 6 },
      ),
      rawSuffix: fc.constantFrom("", "", "", "&", "&&=", "=", "%zz", "%00=%00", "a[b]=c", "a=%ED%A0%80", "#frag"),
    }),
  );
}

export function queryRequest(c: QueryCase, token: string): RawRequest {
  const encode = (text: string) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, "\ufffd"));
  const pairs = c.query.map(([key, value]) => `${encode(key)}=${encode(value)}`);
  if (c.rawSuffix !== "") pairs.push(c.rawSuffix);
  const search = pairs.length > 0 ? `?${pairs.join("&")}` : "";
  return {
    method: "GET",
    path: `${fillPath(c.op.path, { id: c.id, other: c.other, path: c.path })}${search}`,
    headers: { authorization: c.auth ?? `Bearer ${token}` },
  };
}
