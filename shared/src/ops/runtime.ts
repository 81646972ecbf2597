/**
 * The managed NAT runtime: one app per agent at a time (`nat serve`, or
 * `nat mcp serve`), its status, its logs, and messages sent to it.
 */
import { z } from "zod";
import { JsonObject, JsonValue } from "../json.ts";
import { Timestamp } from "../models.ts";
import { ProjectPath, ProjectScoped } from "./common.ts";

export const RuntimeKind = z.enum(["serve", "mcp"]).meta({
  id: "RuntimeKind",
  description: "serve: `nat serve` (HTTP + WebSocket API); mcp: `nat mcp serve` (Streamable HTTP at /mcp).",
});
export type RuntimeKind = z.infer<typeof RuntimeKind>;

export const RuntimeState = z.enum(["stopped", "starting", "running", "unhealthy", "crashed"]).meta({
  id: "RuntimeState",
  description:
    "starting: launched, /health not yet 200; running: /health answers 200; unhealthy: running but probes fail; crashed: exited on its own.",
});
export type RuntimeState = z.infer<typeof RuntimeState>;

export const HealthProbe = z
  .object({
    at: Timestamp,
    ok: z.boolean(),
    httpStatus: z.number().int().nullable(),
    latencyMs: z.number().min(0),
    error: z.string().nullable(),
  })
  .meta({ id: "HealthProbe" });

/** Environment variable names a project may set; the agent's own secrets are never passed on. */
export const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "must be a valid environment variable name");
export const EnvVars = z.record(EnvName, z.string().max(32_768)).meta({
  description: "Extra environment variables; they override the project's .env.",
  example: { NVIDIA_API_KEY: "nvapi-..." },
});

export const RuntimeStatus = z
  .object({
    projectId: z.string().nullable().meta({ description: "The project of the managed app; null when none ran yet." }),
    kind: RuntimeKind.nullable(),
    state: RuntimeState,
    pid: z.number().int().nullable(),
    port: z.number().int().nullable(),
    url: z.string().nullable().meta({ example: "http://127.0.0.1:43117" }),
    configPath: ProjectPath.nullable(),
    releaseId: z.string().nullable().meta({ description: "Set when the app runs a deployed release." }),
    startedAt: Timestamp.nullable(),
    uptimeMs: z.number().int().min(0).nullable(),
    exitCode: z.number().int().nullable(),
    signal: z.string().nullable(),
    lastProbe: HealthProbe.nullable(),
    reason: z.string().nullable().meta({ description: "Why the app is in this state (crash, failed probe, stop)." }),
    logCursor: z.number().int().min(0).meta({ description: "Cursor of the newest stored log line of this project." }),
  })
  .meta({ id: "RuntimeStatus" });
export type RuntimeStatus = z.infer<typeof RuntimeStatus>;

export const RuntimeStartParams = ProjectScoped.extend({
  kind: RuntimeKind.default("serve"),
  configPath: ProjectPath.optional().meta({ description: "Defaults to the project's NAT config." }),
  port: z.number().int().min(1024).max(65_535).optional().meta({ description: "A free port is chosen when omitted." }),
  env: EnvVars.default({}),
  readyTimeoutSeconds: z.number().int().min(1).max(600).default(120),
});
export const RuntimeStartResult = z.object({ status: RuntimeStatus });

export const RuntimeStopParams = ProjectScoped.extend({
  graceSeconds: z.number().int().min(0).max(120).default(10),
});
export const RuntimeStopResult = z.object({ status: RuntimeStatus });

export const RuntimeRestartParams = RuntimeStopParams.extend({
  readyTimeoutSeconds: RuntimeStartParams.shape.readyTimeoutSeconds,
});
export const RuntimeRestartResult = z.object({ status: RuntimeStatus });

export const RuntimeStatusParams = ProjectScoped;
export const RuntimeStatusResult = z.object({ status: RuntimeStatus });

export const LogStream = z.enum(["stdout", "stderr", "att"]).meta({
  id: "LogStream",
  description: "att: lines ATT itself adds (start, stop, probe failures).",
});
export const LogLevel = z.enum(["debug", "info", "warning", "error", "critical"]).meta({ id: "LogLevel" });

export const LogLine = z
  .object({
    cursor: z.number().int().min(1),
    at: Timestamp,
    stream: LogStream,
    level: LogLevel.nullable().meta({ description: "Parsed from the line when it carries one." }),
    text: z.string(),
    runtimeId: z.string().meta({ description: "The app process the line came from." }),
  })
  .meta({ id: "LogLine" });
export type LogLine = z.infer<typeof LogLine>;

export const MAX_LOG_PAGE = 5000;
export const RuntimeLogsParams = ProjectScoped.extend({
  after: z.number().int().min(0).default(0).meta({ description: "Return lines after this cursor; 0 from the start." }),
  limit: z.number().int().min(1).max(MAX_LOG_PAGE).default(500),
  tail: z.boolean().default(false).meta({ description: "The newest `limit` matching lines instead of the oldest." }),
  stream: LogStream.optional(),
  minLevel: LogLevel.optional().meta({
    description: "Only lines at this level or above (lines without a level are left out).",
  }),
  since: Timestamp.optional(),
  until: Timestamp.optional(),
  pattern: z
    .string()
    .min(1)
    .max(512)
    .optional()
    .meta({ description: "JavaScript regular expression the text must match." }),
});
export const RuntimeLogsResult = z.object({
  lines: z.array(LogLine),
  nextCursor: z.number().int().min(0).meta({ description: "Pass as `after` to continue." }),
  hasMore: z.boolean(),
});

/** How a message reaches the app: NAT's WebSocket, or one of its HTTP routes. */
export const SendVia = z.enum(["websocket", "chat_completions", "generate", "workflow_full"]).meta({
  id: "SendVia",
  description:
    "websocket: /websocket with chat_stream (answer and intermediate steps); chat_completions: POST /v1/chat/completions; generate: POST /generate; workflow_full: POST /v1/workflow/full (answer and every intermediate step).",
});

export const IntermediateStep = z
  .object({
    id: z.string(),
    parentId: z.string().nullable(),
    type: z.string().meta({ description: "NAT's event type, e.g. LLM_START, LLM_END, TOOL_START, TOOL_END." }),
    name: z.string().nullable(),
    at: Timestamp.nullable(),
    durationMs: z.number().min(0).nullable(),
    tokens: z.object({ prompt: z.number().int(), completion: z.number().int(), total: z.number().int() }).nullable(),
    payload: JsonValue.meta({ description: "The step as NAT reported it." }),
  })
  .meta({ id: "IntermediateStep" });
export type IntermediateStep = z.infer<typeof IntermediateStep>;

/**
 * The longest one exchange may take, human answers included: the control
 * plane's wait for runtime.send (METHOD_TIMEOUT_MS) is derived from it.
 */
export const MAX_EXCHANGE_SECONDS = 3600;
/** The longest ATT waits for one human answer, whatever NAT's prompt asks for. */
export const MAX_PROMPT_WAIT_SECONDS = 1800;

export const RuntimeSendParams = ProjectScoped.extend({
  message: z.string().min(1).max(100_000),
  via: SendVia.default("websocket"),
  conversationId: z.string().min(1).max(128).optional(),
  timeoutSeconds: z.number().int().min(1).max(600).default(120).meta({
    description:
      "How long the app may work on the answer. With `interactive`, time spent waiting for a human answer is not counted.",
  }),
  exchangeId: z.uuid().optional().meta({
    description:
      "Client-chosen id of this exchange, so the caller can match the runtime.chat.* events (websocket only) to its request before the call returns; made up when omitted. Must not have been used before.",
  }),
  interactive: z.boolean().default(false).meta({
    description:
      "websocket only. false: a question of the workflow (HITL) fails the exchange at once with the prompt's text. true: the agent emits runtime.chat.prompt and waits for the answer given with runtime.respond, then the exchange continues.",
  }),
  promptTimeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(MAX_PROMPT_WAIT_SECONDS)
    .default(300)
    .meta({
      description: `With \`interactive\`: how long to wait for each human answer when NAT's prompt sets no timeout of its own (NAT's timeout is used otherwise, at most ${MAX_PROMPT_WAIT_SECONDS} s). Unanswered, the exchange fails. The whole exchange ends within ${MAX_EXCHANGE_SECONDS} s.`,
    }),
});
export const RuntimeSendResult = z.object({
  exchangeId: z.string().meta({ description: "The exchange's id: the one passed, or the one made up." }),
  text: z.string().meta({ description: "The workflow's answer." }),
  steps: z.array(IntermediateStep),
  traceId: z.string().meta({ description: "The stored trace of this exchange (debug.traces)." }),
  conversationId: z.string().nullable(),
  durationMs: z.number().min(0),
  raw: JsonValue.nullable().meta({ description: "NAT's final answer object, when it sent one." }),
});

export const RuntimeRespondParams = ProjectScoped.extend({
  exchangeId: z.uuid().meta({ description: "The exchange of the runtime.chat.prompt event." }),
  interactionId: z
    .string()
    .min(1)
    .max(256)
    .meta({ description: "The prompt's id, from the runtime.chat.prompt event." }),
  response: z.union([z.string().max(100_000), z.array(z.string().max(10_000)).min(1).max(100)]).meta({
    description:
      "text prompts: the answer. binary_choice, radio, dropdown: the chosen option's id, value or label. checkbox: one or several of them (sent to NAT as their values joined by ', ').",
    example: "yes",
  }),
});
export const RuntimeRespondResult = z.object({
  exchangeId: z.string(),
  interactionId: z.string(),
  text: z.string().meta({ description: "What was sent to NAT as the user's answer." }),
});

export const Trace = z
  .object({
    id: z.string(),
    projectId: z.string(),
    source: z.enum(["runtime.send", "nat.eval", "telemetry"]),
    input: z.string().nullable(),
    output: z.string().nullable(),
    createdAt: Timestamp,
    durationMs: z.number().min(0).nullable(),
    steps: z.array(IntermediateStep),
    summary: JsonObject.meta({ description: "Counts by step type, LLM calls, tokens." }),
  })
  .meta({ id: "Trace" });

export const DebugTracesParams = ProjectScoped.extend({
  traceId: z.string().min(1).max(128).optional(),
  limit: z.number().int().min(1).max(100).default(20),
});
export const DebugTracesResult = z.object({ traces: z.array(Trace) });

export const TracebackFrame = z
  .object({
    file: z.string(),
    line: z.number().int().nullable(),
    function: z.string().nullable(),
    code: z.string().nullable(),
  })
  .meta({ id: "TracebackFrame" });

export const ParsedError = z
  .object({
    fingerprint: z.string(),
    type: z.string().meta({ example: "ValueError" }),
    message: z.string(),
    frames: z.array(TracebackFrame).meta({ description: "Innermost last, as Python prints them." }),
    causes: z
      .array(
        z.object({
          type: z.string(),
          message: z.string(),
          frames: z.array(TracebackFrame),
          relation: z.enum(["cause", "context"]),
        }),
      )
      .meta({ description: "Chained exceptions, outermost cause first." }),
    source: z.enum(["runtime", "nat"]).meta({ description: "runtime: a Python traceback; nat: a NAT error message." }),
    count: z.number().int().min(1),
    firstSeen: Timestamp,
    lastSeen: Timestamp,
    logCursor: z.number().int().min(0).meta({ description: "Log cursor of the latest occurrence." }),
  })
  .meta({ id: "ParsedError" });
export type ParsedError = z.infer<typeof ParsedError>;

export const DebugErrorsParams = ProjectScoped.extend({
  limit: z.number().int().min(1).max(500).default(50),
  since: Timestamp.optional(),
});
export const DebugErrorsResult = z.object({ errors: z.array(ParsedError).meta({ description: "Newest first." }) });

export const RUNTIME_METHODS = {
  "runtime.start": { params: RuntimeStartParams, result: RuntimeStartResult },
  "runtime.stop": { params: RuntimeStopParams, result: RuntimeStopResult },
  "runtime.restart": { params: RuntimeRestartParams, result: RuntimeRestartResult },
  "runtime.status": { params: RuntimeStatusParams, result: RuntimeStatusResult },
  "runtime.logs": { params: RuntimeLogsParams, result: RuntimeLogsResult },
  "runtime.send": { params: RuntimeSendParams, result: RuntimeSendResult },
  "runtime.respond": { params: RuntimeRespondParams, result: RuntimeRespondResult },
  "debug.errors": { params: DebugErrorsParams, result: DebugErrorsResult },
  "debug.traces": { params: DebugTracesParams, result: DebugTracesResult },
} as const;
