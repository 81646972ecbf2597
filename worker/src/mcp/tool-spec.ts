/**
 * How an MCP tool maps onto agent operations. A tool is either one operation
 * (its params are the input, its result the output) or a small family of
 * operations chosen from the arguments (`action`, or whether `runId` is set).
 * Schemas always come from the shared method table, never written here.
 */
import { AGENT_METHODS, type AgentMethod, METHOD_ROLES, type Role } from "@att/shared";
import type { ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";

type AnyObject = z.ZodObject<z.ZodRawShape>;

export interface ToolSpec {
  name: string;
  title: string;
  description: string;
  annotations: ToolAnnotations;
  /** What a client sends; per-operation validation happens after `select`. */
  input: AnyObject;
  /** Every operation this tool may call: its output is one of their results. */
  methods: readonly AgentMethod[];
  /** The operation for these arguments; throws when they cannot choose one. */
  select: (args: Record<string, unknown>) => AgentMethod;
  /**
   * The role each way of calling the tool needs, for clients and the role test:
   * `""` for a single operation, the action's name, or `with:<field>` / `without:<field>`.
   */
  roles: Readonly<Record<string, Role>>;
}

interface Describe {
  name: string;
  title: string;
  description: string;
  annotations: Omit<ToolAnnotations, "title">;
}

const paramsOf = (method: AgentMethod): AnyObject => AGENT_METHODS[method].params as unknown as AnyObject;

/** A tool that is exactly one operation. */
export function single(method: AgentMethod, describe: Describe): ToolSpec {
  return {
    ...describe,
    annotations: { title: describe.title, ...describe.annotations },
    input: paramsOf(method),
    methods: [method],
    select: () => method,
    roles: { "": METHOD_ROLES[method] },
  };
}

/**
 * The fields of several operations in one object: `projectId` stays required,
 * the rest become optional because which ones apply depends on the operation.
 */
function mergedShape(methods: readonly AgentMethod[]): z.ZodRawShape {
  const shape: Record<string, z.ZodType> = {};
  for (const method of methods) {
    for (const [key, field] of Object.entries(paramsOf(method).shape)) {
      if (key in shape) continue;
      shape[key] = key === "projectId" ? (field as z.ZodType) : (field as z.ZodType).optional();
    }
  }
  return shape;
}

/** A tool whose `action` argument picks the operation. */
export function byAction<A extends string>(
  actions: Readonly<Record<A, AgentMethod>>,
  describe: Describe & { actionDescription: string },
): ToolSpec {
  const { actionDescription, ...rest } = describe;
  const names = Object.keys(actions) as [A, ...A[]];
  const methods = names.map((name) => actions[name]);
  const action = z.enum(names).meta({ description: actionDescription });
  return {
    ...rest,
    annotations: { title: rest.title, ...rest.annotations },
    input: z.object({ action, ...mergedShape(methods) }),
    methods,
    select: (args) => actions[action.parse(args.action)],
    roles: Object.fromEntries(names.map((name) => [name, METHOD_ROLES[actions[name]]])),
  };
}

/** A tool that calls `withField` when that argument is present, `otherwise` when not. */
export function byPresence(
  field: string,
  withField: AgentMethod,
  otherwise: AgentMethod,
  describe: Describe,
): ToolSpec {
  const methods = [otherwise, withField];
  return {
    ...describe,
    annotations: { title: describe.title, ...describe.annotations },
    input: z.object(mergedShape(methods)),
    methods,
    select: (args) => (args[field] === undefined ? otherwise : withField),
    roles: { [`with:${field}`]: METHOD_ROLES[withField], [`without:${field}`]: METHOD_ROLES[otherwise] },
  };
}
