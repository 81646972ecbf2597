/** The `nat` command, for `nat workflow create` and to tell whether NAT is installed. */
import { execa } from "execa";
import { NAT_ENV } from "../../process/env.ts";
import { OperationError } from "../errors.ts";

export const NAT_INSTALL_HINT =
  'install NAT (Python 3.11-3.13): `pip install "nvidia-nat~=1.8"`, then set ATT_NAT_COMMAND to the `nat` it installed if it is not on PATH';

/** Whether `nat --version` runs. NAT imports a lot at start, hence the long timeout. */
export async function natAvailable(natCommand: string): Promise<boolean> {
  const result = await execa(natCommand, ["--version"], {
    env: NAT_ENV,
    reject: false,
    timeout: 60_000,
    stdin: "ignore",
  });
  return result.exitCode === 0;
}

/** Runs `nat workflow create <name> --no-install --workflow-dir <parent>`, which creates `<parent>/<name>`. */
export async function natWorkflowCreate(options: {
  natCommand: string;
  name: string;
  parent: string;
  description?: string | undefined;
}): Promise<void> {
  const args = ["workflow", "create", options.name, "--no-install", "--workflow-dir", options.parent];
  if (options.description !== undefined) args.push("--description", options.description);
  const result = await execa(options.natCommand, args, {
    cwd: options.parent,
    env: NAT_ENV,
    reject: false,
    timeout: 120_000,
    maxBuffer: 1024 * 1024,
    stdin: "ignore",
    all: true,
  });
  if (result.exitCode === 0) return;
  if (result.timedOut) throw new OperationError("upstream_error", "nat workflow create did not finish in 120 s");
  if (result.exitCode === undefined) {
    throw new OperationError("precondition_failed", `cannot run '${options.natCommand}': ${NAT_INSTALL_HINT}`);
  }
  const output = (result.all ?? "").trim().split("\n").slice(-10).join("\n");
  throw new OperationError("upstream_error", `nat workflow create failed (exit ${result.exitCode}): ${output}`);
}
