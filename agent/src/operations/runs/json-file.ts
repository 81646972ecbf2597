/**
 * Reads JSON that other tools wrote (NAT's eval outputs, coverage and test
 * reports) into a bounded `Json` value: Python's NaN/Infinity tokens become
 * null, and a value too large for a record is cut down (long arrays and
 * strings shortened) rather than dropped.
 */
import { readFile } from "node:fs/promises";
import { isJson, type Json } from "@att/shared";

/** Strings in JSON (kept as they are) or Python's non-standard number tokens (replaced). */
const PYTHON_TOKENS = /"(?:[^"\\]|\\.)*"|-?\bNaN\b|-?\bInfinity\b/g;

/** The parsed file, or null when it is missing or not JSON. */
export async function readJsonFile(file: string): Promise<Json | null> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return null;
  }
  return parseLenientJson(text);
}

export function parseLenientJson(text: string): Json | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    try {
      value = JSON.parse(text.replace(PYTHON_TOKENS, (token) => (token.startsWith('"') ? token : "null")));
    } catch {
      return null;
    }
  }
  return isJson(value) ? value : null;
}

const CUTS = [
  { items: 200, chars: 4000 },
  { items: 50, chars: 1000 },
  { items: 10, chars: 300 },
  { items: 3, chars: 100 },
];

/** `value` as is when its JSON fits `maxBytes`; else shortened step by step; null when nothing fits. */
export function boundJson(value: Json, maxBytes: number): Json | null {
  if (jsonBytes(value) <= maxBytes) return value;
  for (const cut of CUTS) {
    const shortened = shorten(value, cut.items, cut.chars);
    if (jsonBytes(shortened) <= maxBytes) return shortened;
  }
  return null;
}

export function jsonBytes(value: Json): number {
  return Buffer.byteLength(JSON.stringify(value));
}

function shorten(value: Json, items: number, chars: number): Json {
  if (typeof value === "string") return value.length > chars ? `${value.slice(0, chars)}…` : value;
  if (Array.isArray(value)) return value.slice(0, items).map((item) => shorten(item, items, chars));
  if (value !== null && typeof value === "object") {
    const out: { [key: string]: Json } = {};
    for (const [key, item] of Object.entries(value).slice(0, items)) out[key] = shorten(item, items, chars);
    return out;
  }
  return value;
}
