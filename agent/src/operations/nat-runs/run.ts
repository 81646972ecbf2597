/** nat.run: the workflow once on one input (`nat run`), with the result NAT printed. */
import type { Operation } from "../context.ts";
import { natTarget, runNatCommand } from "./launch.ts";
import { workflowResult } from "./result.ts";

/** The result goes into the record; a longer one is cut (the output tail keeps the end). */
const MAX_RESULT_CHARS = 256 * 1024;

export const natRun: Operation<"nat.run"> = async (params, context) => {
  const target = await natTarget(context, params);
  // `--option=value` keeps an input or path that starts with '-' from reading as an option.
  const argv: [string, ...string[]] = [
    target.nat,
    "run",
    `--config_file=${target.configPath}`,
    `--input=${params.input}`,
  ];
  const run = await runNatCommand(context, {
    id: crypto.randomUUID(),
    kind: "run",
    target,
    argv,
    input: params.input,
    timeoutSeconds: params.timeoutSeconds,
    conclude: async ({ rawLines, status }) => {
      const result = workflowResult(rawLines);
      if (status === "passed" && result === null) {
        return { status: "error", reason: "nat run ended without printing a 'Workflow Result:'" };
      }
      return {
        result: result === null || result.length <= MAX_RESULT_CHARS ? result : `${result.slice(0, MAX_RESULT_CHARS)}…`,
      };
    },
  });
  return { run };
};
