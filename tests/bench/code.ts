/**
 * Code benchmarks on the real stack, printed side by side in one run:
 *  1. search on a generated git repository of FILES files (~200 MB): ATT's
 *     code.search through the full path (REST → Worker → DO → agent → back)
 *     beside `git grep` run directly on the same tree with the same query;
 *  2. reading one file through MCP (att.code.read over Streamable HTTP) beside
 *     a direct local read.
 * Not a test: it asserts nothing about speed.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { execa } from "execa";
import type { Stack } from "../support/stack.ts";

const FILES = Number(process.env.ATT_BENCH_FILES ?? 20_000);
const FILE_BYTES = Number(process.env.ATT_BENCH_FILE_BYTES ?? 10_240);
const SEARCH_RUNS = Number(process.env.ATT_BENCH_SEARCH_RUNS ?? 10);
const READ_RUNS = Number(process.env.ATT_BENCH_READ_RUNS ?? 200);
const NEEDLE = "needle_quokka_42";

/** Deterministic pseudo-source: the same tree on every run; every 400th file holds the needle. */
function generateTree(root: string): number {
  const words = ["alpha", "beta", "gamma", "delta", "config", "agent", "tool", "workflow", "llm", "retriever"];
  let bytes = 0;
  let seed = 1;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed;
  };
  for (let i = 0; i < FILES; i += 1) {
    const dir = path.join(root, `pkg${i % 50}`, `mod${Math.floor(i / 50) % 40}`);
    mkdirSync(dir, { recursive: true });
    const lines: string[] = [];
    let size = 0;
    while (size < FILE_BYTES) {
      const line = `def ${words[next() % 10]}_${next() % 1000}(x): return ${words[next() % 10]}(x) + ${next() % 97}`;
      lines.push(line);
      size += line.length + 1;
    }
    if (i % 400 === 0) lines.splice(lines.length >> 1, 0, `# ${NEEDLE} marks file ${i}`);
    const text = `${lines.join("\n")}\n`;
    bytes += text.length;
    writeFileSync(path.join(dir, `file${i}.py`), text);
  }
  return bytes;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function timed(runs: number, work: () => Promise<number>): Promise<{ p50: number; p99: number; hits: number }> {
  const times: number[] = [];
  let hits = 0;
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    hits = await work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), hits };
}

const fmt = (n: number, digits = 1) => n.toFixed(digits).padStart(9);

export async function benchCode(stack: Stack): Promise<void> {
  const project = await stack.json<{ project: { id: string; path: string } }>("/api/v1/projects", {
    method: "POST",
    body: JSON.stringify({ name: "bench_search", template: "empty" }),
  });
  const root = project.project.path;
  const projectId = project.project.id;

  console.log(`\nGenerating ${FILES} files of ~${FILE_BYTES} bytes in a git repository…`);
  const started = performance.now();
  const bytes = generateTree(root);
  const git = (...args: string[]) =>
    execFileSync("git", ["-C", root, "-c", "user.name=bench", "-c", "user.email=bench@localhost", ...args], {
      stdio: "ignore",
    });
  git("add", "-A");
  git("commit", "-qm", "bench tree");
  console.log(
    `  ${(bytes / 1024 / 1024).toFixed(0)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s (generate + git add + commit)`,
  );

  const query = `/api/v1/projects/${projectId}/files/search?query=${NEEDLE}&limit=1000&context=0`;
  const viaAtt = async () => {
    const result = await stack.json<{ matches: unknown[] }>(query);
    return result.matches.length;
  };
  const direct = async () => {
    const result = await execa("git", ["grep", "-n", "--column", "-I", "-F", "-e", NEEDLE], {
      cwd: root,
      reject: false,
    });
    return result.stdout === "" ? 0 : result.stdout.split("\n").length;
  };
  await viaAtt(); // warm the page cache and the agent's first search
  await direct();
  console.log(`\nSearch for a literal in ${FILES} files, ${SEARCH_RUNS} runs each`);
  console.log("path                                        |  p50 ms  |  p99 ms  | matches");
  for (const [label, work] of [
    ["git grep, run directly (baseline)", direct],
    ["code.search: REST → Worker → DO → agent", viaAtt],
  ] as const) {
    const row = await timed(SEARCH_RUNS, work);
    console.log(`${label.padEnd(43)} |${fmt(row.p50)} |${fmt(row.p99)} | ${String(row.hits).padStart(7)}`);
  }

  const file = path.join("pkg7", "mod3", "file157.py");
  const client = new Client({ name: "att-bench", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${stack.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${stack.userToken}` } },
    }),
  );
  try {
    const viaMcp = async () => {
      const result = await client.callTool({ name: "att.code.read", arguments: { projectId, path: file } });
      if (result.isError) throw new Error(`att.code.read failed: ${JSON.stringify(result.content)}`);
      return ((result.structuredContent as { content: string }).content ?? "").length;
    };
    const local = async () => (await readFile(path.join(root, file), "utf8")).length;
    await viaMcp();
    console.log(`\nRead one ${FILE_BYTES}-byte file, ${READ_RUNS} runs each`);
    console.log("path                                        |  p50 ms  |  p99 ms  | bytes");
    for (const [label, work] of [
      ["fs.readFile, local (baseline)", local],
      ["att.code.read: MCP → Worker → DO → agent", viaMcp],
    ] as const) {
      const row = await timed(READ_RUNS, work);
      console.log(`${label.padEnd(43)} |${fmt(row.p50, 3)} |${fmt(row.p99, 3)} | ${String(row.hits).padStart(7)}`);
    }
  } finally {
    await client.close();
  }
}
