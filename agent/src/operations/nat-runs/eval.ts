/**
 * nat.eval: `nat eval` with its output forced into ATT's own folder for the
 * run, `<stateDir>/runs/<runId>/eval`. NAT empties its output folder first,
 * so it must never be a user folder: NAT 1.9 reads `eval.general.output.dir`
 * over `eval.general.output_dir` (and cleans `output.dir`), so both are
 * overridden, and job folders are turned off to keep the files in one place.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Operation } from "../context.ts";
import { collectEvalOutput } from "./eval-output.ts";
import { existingProjectFile, natTarget, runNatCommand } from "./launch.ts";

export const natEval: Operation<"nat.eval"> = async (params, context) => {
  const target = await natTarget(context, params);
  const dataset = params.dataset === undefined ? null : await existingProjectFile(target.root, params.dataset);
  const id = crypto.randomUUID();
  const outputDir = path.join(context.config.stateDir, "runs", id, "eval");
  await mkdir(path.dirname(outputDir), { recursive: true, mode: 0o700 });
  const argv: [string, ...string[]] = [
    target.nat,
    "eval",
    `--config_file=${target.configPath}`,
    ...(dataset === null ? [] : [`--dataset=${dataset}`]),
    ...["--override", "eval.general.output_dir", outputDir],
    ...["--override", "eval.general.output.dir", outputDir],
    ...["--override", "eval.general.output.job_management.append_job_id_to_output_dir", "false"],
  ];
  const run = await runNatCommand(context, {
    id,
    kind: "eval",
    target,
    argv,
    input: null,
    timeoutSeconds: params.timeoutSeconds,
    conclude: async () => ({ eval: await collectEvalOutput(outputDir) }),
  });
  return { run };
};
