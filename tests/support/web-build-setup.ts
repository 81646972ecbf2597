/** Vitest global setup: the UI's static build must exist before workerd or wrangler dev serve it. */
import { ensureWebBuild } from "../../agent/src/start/web-build.ts";
import { repoRoot } from "./stack.ts";

export default async function setup(): Promise<void> {
  await ensureWebBuild(repoRoot, (line) => console.log(line));
}
