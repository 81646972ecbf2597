/**
 * REST routes that are thin adapters over one agent operation: validate the
 * path, query and body with schemas derived from shared, build the method's
 * params, call `Workspace.invoke`, and answer with the method's result. The
 * same schemas feed the OpenAPI document, so docs and validation cannot drift.
 *
 * Validation is done here rather than by zod-openapi's typed handlers because
 * one route (`files/{path}`) needs a multi-segment path parameter, which the
 * OpenAPI path syntax cannot express; one mechanism for every route keeps
 * errors identical.
 */
import {
  AGENT_METHODS,
  type AgentMethod,
  Id,
  METHOD_ROLES,
  type MethodParams,
  type MethodResult,
  Problem,
} from "@att/shared";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { z } from "zod";
import type { AppBindings } from "../env.ts";
import { ApiError } from "../http/api-error.ts";
import { ROLE_EXTENSION, requireRole } from "../http/roles.ts";
import { agentErrorResponses, bearerSecurity, callAgent } from "./common.ts";

type Verb = "get" | "post" | "put" | "delete";
type AppContext = Context<AppBindings>;
type AnyObject = z.ZodObject<z.ZodRawShape>;

export interface RouteInput<Q extends AnyObject, B extends z.ZodType> {
  /** The project id from `{id}`, when the path has one. */
  id: string;
  /** The rest of the URL after a trailing `{path}` (a file path, may contain '/'). */
  path: string;
  /** Every path parameter by name, validated. */
  params: Record<string, string>;
  query: z.output<Q>;
  body: z.output<B>;
}

export interface OperationRouteSpec<M extends AgentMethod, Q extends AnyObject, B extends z.ZodType> {
  verb: Verb;
  /** OpenAPI-style path; `{id}` is a project id, a trailing `{path}` matches several segments. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  operation: M;
  query?: Q;
  body?: B;
  bodyExample?: z.input<B>;
  /** Error statuses this route documents beyond the common ones. */
  errors?: readonly number[];
  status?: 200 | 201;
  toParams: (input: RouteInput<Q, B>) => MethodParams<M>;
  /** Replaces the JSON answer (e.g. a binary download); documented by `produces`. */
  respond?: (c: AppContext, result: MethodResult<M>) => Response;
  produces?: { mediaType: string; description: string };
}

const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  403: "The path leaves the project (traversal, absolute path, or a symlink out of it).",
  404: "No such project, file, ref or branch.",
  409: "Conflicts with the current state (duplicate, nothing to commit, merge conflict, stale digest).",
  412: "A prerequisite is missing (not a git repository, NAT not installed, no token configured).",
  413: "Larger than the limit; the message says what to do instead.",
  422: "NAT refused the workflow config; the message carries NAT's own words.",
};

/** Path parameters by name: `{id}` is a project id, `{path}` a file path, anything else a plain segment. */
function pathParams(path: string): AnyObject {
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? "");
  const schemaFor = (name: string) => (name === "id" ? Id : z.string().min(1).max(4096));
  return z.object(Object.fromEntries(names.map((name) => [name, schemaFor(name)])));
}

export function operationRoute<M extends AgentMethod, Q extends AnyObject = AnyObject, B extends z.ZodType = z.ZodType>(
  app: OpenAPIHono<AppBindings>,
  spec: OperationRouteSpec<M, Q, B>,
): void {
  document(app, spec);
  const honoPath = spec.path.replace("{path}", ":path{.+}").replace(/\{(\w+)\}/g, ":$1");
  const paramsSchema = pathParams(spec.path);
  app.on(spec.verb.toUpperCase(), honoPath, requireRole(METHOD_ROLES[spec.operation]), async (c) => {
    const params = parse(paramsSchema, c.req.param(), "path") as Record<string, string>;
    const input: RouteInput<Q, B> = {
      id: params.id ?? "",
      path: params.path ?? "",
      params,
      query: spec.query ? parse(spec.query, c.req.query(), "query") : ({} as z.output<Q>),
      body: spec.body ? parse(spec.body, await readJson(c), "body") : (undefined as z.output<B>),
    };
    const result = await callAgent(c, spec.operation, spec.toParams(input));
    if (spec.respond) return spec.respond(c, result);
    return c.json(result, spec.status ?? 200);
  });
}

function parse<S extends z.ZodType>(schema: S, value: unknown, target: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw ApiError.invalid(parsed.error, target);
}

async function readJson(c: AppContext): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError("invalid_json", "the request body is not valid JSON");
  }
}

function document<M extends AgentMethod, Q extends AnyObject, B extends z.ZodType>(
  app: OpenAPIHono<AppBindings>,
  spec: OperationRouteSpec<M, Q, B>,
): void {
  const problem = (description: string) => ({
    description,
    content: { "application/problem+json": { schema: Problem } },
  });
  const extra = Object.fromEntries(
    (spec.errors ?? []).map((status) => [status, problem(ERROR_DESCRIPTIONS[status] ?? "Error")]),
  );
  const success = spec.produces
    ? {
        description: spec.produces.description,
        content: { [spec.produces.mediaType]: { schema: z.string().meta({ format: "binary" }) } },
      }
    : {
        description: spec.summary,
        content: { "application/json": { schema: AGENT_METHODS[spec.operation].result } },
      };
  app.openAPIRegistry.registerPath({
    method: spec.verb,
    path: spec.path,
    tags: [spec.tag],
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    operationId: operationId(spec.verb, spec.path),
    // Names the agent operation behind the route: MCP and tests use it to prove every operation is reachable.
    "x-att-operation": spec.operation,
    // The operation's role is the route's: one table (shared METHOD_ROLES) for REST and MCP.
    [ROLE_EXTENSION]: METHOD_ROLES[spec.operation],
    security: bearerSecurity,
    request: {
      params: pathParams(spec.path),
      ...(spec.query ? { query: spec.query } : {}),
      ...(spec.body
        ? {
            body: {
              required: true,
              content: {
                "application/json": {
                  schema: spec.body,
                  ...(spec.bodyExample !== undefined ? { example: spec.bodyExample } : {}),
                },
              },
            },
          }
        : {}),
    },
    responses: { [spec.status ?? 200]: success, ...extra, ...agentErrorResponses },
  });
}

/** A stable, readable operationId for generated clients: `getProjectsIdGitLog`. */
function operationId(verb: Verb, path: string): string {
  const words = path
    .replace("/api/v1/", "")
    .split(/[/{}.-]+/)
    .filter(Boolean);
  return verb + words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
}

/** Query strings carry text: these read numbers and booleans from it strictly ("false" is false). */
export const queryInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
export const queryBool = z
  .enum(["true", "false", "1", "0"])
  .transform((value) => value === "true" || value === "1")
  .meta({ type: "boolean" });
