/**
 * The project terminal: one shell command run by the agent in the project
 * directory, its output streamed as `terminal.output` events and its end as
 * `terminal.exit`, the answer carrying the exit and the output's tail.
 */
import { z } from "zod";
import { ProjectScoped } from "./common.ts";

export const MAX_TERMINAL_TIMEOUT_MS = 600_000;
/** How much of the combined output the answer carries (its end). */
export const TERMINAL_OUTPUT_TAIL_BYTES = 64 * 1024;
/** Terminal commands one agent runs at the same time; more are refused with `conflict`. */
export const MAX_TERMINAL_RUNS = 4;
/** Output streamed as events per run; beyond it only the answer's tail has the rest (events are kept forever). */
export const TERMINAL_EVENT_BUDGET_BYTES = 8 * 1024 * 1024;

export const TerminalRunId = z.uuid().meta({
  description: "Correlates the run's terminal.output and terminal.exit events with this call.",
});

export const TerminalRunParams = ProjectScoped.extend({
  command: z
    .string()
    .min(1)
    .max(8192)
    .meta({ description: "Run as `/bin/sh -c <command>` in the project directory, stdin closed.", example: "ls -la" }),
  timeoutMs: z.number().int().min(1).max(MAX_TERMINAL_TIMEOUT_MS).default(60_000).meta({
    description: "Then the command's whole process group is ended (SIGTERM, then SIGKILL) and `timedOut` is true.",
  }),
  runId: TerminalRunId.optional().meta({ description: "Chosen by the client to match events; generated when absent." }),
});

export const TerminalRunResult = z
  .object({
    runId: TerminalRunId,
    command: z.string(),
    exitCode: z.number().int().nullable().meta({ description: "null when a signal ended the command." }),
    signal: z.string().nullable().meta({ example: "SIGTERM" }),
    timedOut: z.boolean(),
    durationMs: z.number().int().min(0),
    output: z.string().meta({ description: "The last 64 KiB of stdout and stderr, interleaved as they arrived." }),
    truncated: z.boolean().meta({ description: "True when earlier output was dropped from `output`." }),
  })
  .meta({ id: "TerminalRunResult" });
export type TerminalRunResult = z.infer<typeof TerminalRunResult>;

/** Payload of a `terminal.output` event: a batch of one stream's output, in order. */
export const TerminalOutputPayload = z
  .object({ runId: TerminalRunId, stream: z.enum(["stdout", "stderr"]), text: z.string() })
  .meta({ id: "TerminalOutputPayload" });
export type TerminalOutputPayload = z.infer<typeof TerminalOutputPayload>;

/** Payload of a `terminal.exit` event: the run ended; no output event of it follows. */
export const TerminalExitPayload = TerminalRunResult.pick({
  runId: true,
  exitCode: true,
  signal: true,
  timedOut: true,
  durationMs: true,
}).meta({ id: "TerminalExitPayload" });
export type TerminalExitPayload = z.infer<typeof TerminalExitPayload>;

export const TERMINAL_METHODS = {
  "terminal.run": { params: TerminalRunParams, result: TerminalRunResult },
} as const;
