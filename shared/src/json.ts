/**
 * JSON values as a schema. zod's own recursive `z.json()` sends the OpenAPI
 * generator into endless recursion, so this is a custom schema with a real
 * check and an explicit OpenAPI type.
 */
import { z } from "zod";

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const MAX_DEPTH = 64;

export function isJson(value: unknown, depth = 0): value is Json {
  if (depth > MAX_DEPTH) return false;
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => isJson(item, depth + 1));
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value).every((item) => isJson(item, depth + 1));
  }
  return false;
}

export const JsonValue = z
  .custom<Json>((value) => isJson(value), { message: `expected a JSON value (at most ${MAX_DEPTH} levels deep)` })
  .meta({ description: "Any JSON value.", type: ["string", "number", "boolean", "object", "array", "null"] });

export const JsonObject = z.record(z.string(), JsonValue).meta({ description: "A JSON object." });
