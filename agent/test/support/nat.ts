import { ensureNatVenv, type NatVenv } from "../../../tests/support/nat-venv.ts";
import { createTestContext, type TestContext } from "./context.ts";

/** Environment for `createTestContext` that points the agent at the venv's tools. */
export function natTestEnv(venv: NatVenv, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ATT_NAT_COMMAND: venv.nat, ATT_PYTHON_COMMAND: venv.python, ...extra };
}

/** The venv and a test context using it. */
export async function natTestContext(extra: NodeJS.ProcessEnv = {}): Promise<{ venv: NatVenv; context: TestContext }> {
  const venv = await ensureNatVenv();
  return { venv, context: createTestContext(natTestEnv(venv, extra)) };
}
