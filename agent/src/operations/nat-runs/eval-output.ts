/**
 * What `nat eval` wrote into ATT's output folder for the run: the files
 * (name, bytes), workflow_output.json, each `<evaluator>_output.json`, and
 * the profiler's metrics when the profiler ran. Parsed JSON is bounded so a
 * record fits a link frame; the files themselves stay in the folder.
 */
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { isJsonObject, type Json, type NatRunRecord } from "@att/shared";
import { boundJson, readJsonFile } from "../runs/json-file.ts";

type EvalRecord = NonNullable<NatRunRecord["eval"]>;

const WORKFLOW_OUTPUT = "workflow_output.json";
const EVALUATOR_OUTPUT = /^(.+)_output\.json$/;
const PROFILER_OUTPUTS = ["workflow_profiling_metrics.json", "inference_optimization.json"];
const MAX_FILES = 1000;
const WORKFLOW_OUTPUT_BYTES = 192 * 1024;
const EVALUATORS_BYTES = 192 * 1024;
const PROFILER_BYTES = 128 * 1024;

export async function collectEvalOutput(outputDir: string): Promise<EvalRecord> {
  const files = await listFiles(outputDir);
  const names = new Set(files.map((file) => file.name));
  const workflow = names.has(WORKFLOW_OUTPUT) ? await readJsonFile(path.join(outputDir, WORKFLOW_OUTPUT)) : null;
  return {
    outputDir,
    files,
    workflowOutput: workflow === null ? null : boundJson(workflow, WORKFLOW_OUTPUT_BYTES),
    evaluators: await readEvaluators(outputDir, [...names]),
    profiler: await readProfiler(outputDir, names),
  };
}

async function readEvaluators(dir: string, names: string[]): Promise<EvalRecord["evaluators"]> {
  const outputs = names.filter(
    (name) => name !== WORKFLOW_OUTPUT && !name.includes("/") && EVALUATOR_OUTPUT.test(name),
  );
  const share = Math.floor(EVALUATORS_BYTES / Math.max(outputs.length, 1));
  const evaluators: EvalRecord["evaluators"] = {};
  for (const name of outputs.sort()) {
    const evaluator = EVALUATOR_OUTPUT.exec(name)?.[1];
    const value = await readBoundedObject(path.join(dir, name), share);
    if (evaluator !== undefined && value !== null) evaluators[evaluator] = value;
  }
  return evaluators;
}

async function readProfiler(dir: string, names: Set<string>): Promise<EvalRecord["profiler"]> {
  const present = PROFILER_OUTPUTS.filter((name) => names.has(name));
  if (present.length === 0) return null;
  const profiler: { [name: string]: Json } = {};
  for (const name of present) {
    const value = await readBoundedObject(path.join(dir, name), PROFILER_BYTES / present.length);
    if (value !== null) profiler[name] = value;
  }
  return Object.keys(profiler).length > 0 ? profiler : null;
}

async function readBoundedObject(file: string, maxBytes: number): Promise<{ [key: string]: Json } | null> {
  const value = await readJsonFile(file);
  const bounded = value === null ? null : boundJson(value, maxBytes);
  return isJsonObject(bounded) ? bounded : null;
}

/** Regular files below `dir`, '/'-separated names relative to it, sorted. */
async function listFiles(dir: string): Promise<EvalRecord["files"]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const files: EvalRecord["files"] = [];
  for (const entry of entries) {
    if (!entry.isFile() || files.length >= MAX_FILES) continue;
    const absolute = path.join(entry.parentPath, entry.name);
    const { size } = await stat(absolute);
    files.push({ name: path.relative(dir, absolute).split(path.sep).join("/"), bytes: size });
  }
  return files.sort((a, b) => a.name.localeCompare(b.name));
}
