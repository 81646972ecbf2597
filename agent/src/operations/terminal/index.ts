/** The project terminal: shell commands run in a project's directory with streamed output. */
import type { Operations } from "../context.ts";
import { terminalRun } from "./run.ts";

export const terminalOperations: Operations<"terminal.run"> = {
  "terminal.run": terminalRun,
};
