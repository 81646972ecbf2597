/** The protocol package must run in workerd, browsers and Node alike: no `node:` imports. */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const here = path.dirname(fileURLToPath(import.meta.url));

async function nodeImportsOf(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: "neutral",
    format: "esm",
    metafile: true,
    logLevel: "silent",
    mainFields: ["module", "main"],
    // Keep builtins external so they show up as imports instead of failing the build.
    external: ["node:*"],
  });
  return Object.values(result.metafile.inputs)
    .flatMap((input) => input.imports)
    .map((i) => i.path)
    .filter((p) => p.startsWith("node:"));
}

describe("shared is runtime-neutral", () => {
  it("its entry bundles with no node: imports", async () => {
    expect(await nodeImportsOf(path.join(here, "../src/index.ts"))).toEqual([]);
  });

  it("the scan does catch a node: import (control)", async () => {
    expect(await nodeImportsOf(path.join(here, "fixtures/uses-node.ts"))).toEqual(["node:fs"]);
  });
});
