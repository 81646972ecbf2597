/** The Project and Event models (architecture.md, "Data model"). */
import { z } from "zod";
import { JsonObject } from "./json.ts";

export const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, "must be 1-64 letters, digits, '-' or '_'");

/**
 * The event log of the workspace itself (not of one project): MCP hub state
 * changes and invocations. Project ids are UUIDs, so this never collides.
 */
export const WORKSPACE_LOG_ID = "workspace";

export const Timestamp = z.iso.datetime({ offset: false }).meta({ description: "ISO 8601, UTC" });

export const ProjectStatus = z.enum(["created", "cloned", "running", "stopped", "error"]).meta({ id: "ProjectStatus" });
export type ProjectStatus = z.infer<typeof ProjectStatus>;

/** Allowed status changes; anything else is an error, never a silent change. */
export const PROJECT_TRANSITIONS: Readonly<Record<ProjectStatus, readonly ProjectStatus[]>> = {
  created: ["running", "stopped", "error"],
  cloned: ["running", "stopped", "error"],
  running: ["stopped", "error"],
  stopped: ["running", "error"],
  error: ["running", "stopped"],
};

export function canTransition(from: ProjectStatus, to: ProjectStatus): boolean {
  return PROJECT_TRANSITIONS[from].includes(to);
}

export const Project = z
  .object({
    id: Id,
    name: z.string().min(1).max(128),
    path: z.string().min(1).max(4096),
    gitRemote: z.string().max(2048).nullable(),
    natConfigPath: z.string().max(4096).nullable(),
    status: ProjectStatus,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: "Project" });
export type Project = z.infer<typeof Project>;

export const EventType = z
  .enum([
    "project.created",
    "project.updated",
    "project.deleted",
    "code.changed",
    "test.run",
    "test.passed",
    "test.failed",
    "build.started",
    "build.completed",
    "deploy.started",
    "deploy.completed",
    "runtime.status",
    "runtime.log",
    "runtime.crashed",
    "runtime.chat.delta",
    "runtime.chat.step",
    "runtime.chat.prompt",
    "runtime.chat.done",
    "nat.run",
    "nat.completed",
    "git.commit",
    "git.pr.created",
    "git.pr.merged",
    "terminal.output",
    "terminal.exit",
    "workflow.started",
    "workflow.step.started",
    "workflow.step.succeeded",
    "workflow.step.failed",
    "workflow.step.waiting",
    "workflow.step.skipped",
    "workflow.succeeded",
    "workflow.failed",
    "workflow.cancelled",
    "error",
    "diagnostic",
    "mcp.server.status",
    "mcp.tool.called",
    "mcp.resource.read",
  ])
  .meta({ id: "EventType" });
export type EventType = z.infer<typeof EventType>;

export const Actor = z
  .string()
  .min(1)
  .max(128)
  .meta({ description: "Who caused the event, e.g. 'agent', 'user:admin'." });

/** An event as the agent produces it: its id is the idempotency key. */
export const AgentEvent = z
  .object({
    id: z.uuid(),
    projectId: Id,
    type: EventType,
    payload: JsonObject,
    timestamp: Timestamp,
    actor: Actor,
  })
  .meta({ id: "AgentEvent" });
export type AgentEvent = z.infer<typeof AgentEvent>;

/** An event as the control plane stores it: `seq` orders it within its project, from 1. */
export const StoredEvent = AgentEvent.extend({
  seq: z.number().int().min(1),
}).meta({ id: "Event" });
export type StoredEvent = z.infer<typeof StoredEvent>;
