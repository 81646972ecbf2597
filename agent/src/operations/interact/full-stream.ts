/**
 * Reads the body of NAT's `/v1/workflow/full`: not standard SSE events but
 * one record per line, `data: {json}` (the output), `intermediate_data:
 * {json}` (a raw intermediate step), `observability_trace: {json}`, and a
 * bare JSON line when the workflow fails mid-stream.
 */
import type { IntermediateStep, Json } from "@att/shared";
import { isJson } from "@att/shared";
import { DataRecord, FullStreamStep, NatError, ObservabilityRecord } from "./nat-wire.ts";
import { fromFullStreamStep } from "./steps.ts";
import { natReported, parseJsonText, unreadable } from "./upstream.ts";

const PREFIXES = ["data", "intermediate_data", "observability_trace"] as const;
type Prefix = (typeof PREFIXES)[number];

export interface FullStreamResult {
  text: string;
  steps: IntermediateStep[];
  /** The `data:` records as sent: one object, or all of them when the output streamed in chunks. */
  raw: Json | null;
  observabilityTraceId: string | null;
}

function splitRecord(line: string): { prefix: Prefix | null; json: string } {
  for (const prefix of PREFIXES) {
    if (line.startsWith(`${prefix}:`)) return { prefix, json: line.slice(prefix.length + 1).trim() };
  }
  return { prefix: null, json: line.trim() };
}

function valueText(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Collects records line by line; throws the workflow's error as soon as NAT reports one. */
export class FullStreamReader {
  readonly #url: string;
  readonly #steps: IntermediateStep[] = [];
  readonly #data: Json[] = [];
  #text = "";
  #traceId: string | null = null;

  constructor(url: string) {
    this.#url = url;
  }

  line(line: string): void {
    if (line.trim() === "") return;
    const { prefix, json } = splitRecord(line);
    const parsed = parseJsonText(json);
    if (!parsed.ok) throw unreadable(this.#url, "a line", line);
    if (prefix === null) {
      const error = NatError.safeParse(parsed.value);
      if (error.success) throw natReported(error.data);
      throw unreadable(this.#url, "an unknown line", line);
    }
    if (prefix === "intermediate_data") this.#step(parsed.value, line);
    else if (prefix === "data") this.#output(parsed.value, line);
    else this.#observability(parsed.value);
  }

  result(): FullStreamResult {
    const raw = this.#data.length === 0 ? null : this.#data.length === 1 ? (this.#data[0] ?? null) : this.#data;
    return { text: this.#text, steps: this.#steps, raw, observabilityTraceId: this.#traceId };
  }

  #step(value: unknown, line: string): void {
    const record = FullStreamStep.safeParse(value);
    if (!record.success) throw unreadable(this.#url, "an intermediate step", line, record.error.message);
    this.#steps.push(fromFullStreamStep(record.data));
  }

  #output(value: unknown, line: string): void {
    const error = NatError.safeParse(value);
    if (error.success && !("value" in error.data)) throw natReported(error.data);
    const record = DataRecord.safeParse(value);
    if (!record.success || !isJson(value)) throw unreadable(this.#url, "an output record", line);
    this.#data.push(value);
    this.#text += valueText(record.data.value);
  }

  #observability(value: unknown): void {
    const record = ObservabilityRecord.safeParse(value);
    if (record.success) this.#traceId = record.data.observability_trace_id;
  }
}
