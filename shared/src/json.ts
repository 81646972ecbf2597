/**
 * JSON values as a schema. zod's own recursive `z.json()` sends the OpenAPI
 * generator into endless recursion, so this is a custom schema with a real
 * check and an explicit OpenAPI type.
 */
import { z } from "zod";

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const MAX_DEPTH = 64;

/**
 * `__proto__` as a key is refused: JSON.parse makes it an own property, but
 * zod's records and Object.assign treat it as the prototype, so it would be
 * dropped or turned into prototype pollution. Refusing keeps events unaltered.
 */
const FORBIDDEN_KEY = "__proto__";

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}

export function isJson(value: unknown, depth = 0): value is Json {
  if (depth > MAX_DEPTH) return false;
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => isJson(item, depth + 1));
  if (isPlainObject(value)) return isJsonObject(value, depth);
  return false;
}

export function isJsonObject(value: unknown, depth = 0): value is { [key: string]: Json } {
  if (!isPlainObject(value)) return false;
  if (Object.hasOwn(value, FORBIDDEN_KEY)) return false;
  return Object.values(value).every((item) => isJson(item, depth + 1));
}

export const JsonValue = z
  .custom<Json>((value) => isJson(value), {
    message: `expected a JSON value (at most ${MAX_DEPTH} levels deep, no "${FORBIDDEN_KEY}" keys)`,
  })
  .meta({ description: "Any JSON value.", type: ["string", "number", "boolean", "object", "array", "null"] });

export const JsonObject = z
  .custom<{ [key: string]: Json }>((value) => isJsonObject(value), {
    message: `expected a JSON object (at most ${MAX_DEPTH} levels deep, no "${FORBIDDEN_KEY}" keys)`,
  })
  .meta({ description: "A JSON object.", type: "object", additionalProperties: true });
