/** `npm run deploy` must be able to bundle: wrangler's dry run builds the deployable Worker without an account. */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { repoRoot } from "../support/stack.ts";

it("wrangler deploy --dry-run bundles the Worker with its Durable Object and docs assets", async () => {
  const out = mkdtempSync(path.join(os.tmpdir(), "att-bundle-"));
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(repoRoot, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--outdir", out],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          WRANGLER_SEND_METRICS: "false",
          WRANGLER_HIDE_BANNER: "true",
          XDG_CONFIG_HOME: path.join(out, "cfg"),
        },
      },
    );
    expect(stdout).toContain("env.WORKSPACE (Workspace)");
    expect(readdirSync(out)).toContain("index.js");
    const code = readFileSync(path.join(out, "index.js"), "utf8");
    // Booleans, not toContain: a failure must not print a multi-megabyte bundle.
    expect(/Workspace = class extends DurableObject/.test(code)).toBe(true);
    expect(code.includes("/api/v1/openapi.json")).toBe(true);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
