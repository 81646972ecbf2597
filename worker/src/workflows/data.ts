/**
 * The data a workflow's steps can see: its input and earlier steps' status
 * and results, addressed by dotted paths. Conditions test it and `${path}`
 * references fill step params from it. Pure functions, no I/O.
 */
import type { Condition, Json } from "@att/shared";

export type Scope = { readonly [key: string]: Json | undefined };

/** A reference that is not set: the step cannot run and says which path was missing. */
export class MissingReference extends Error {
  readonly path: string;
  constructor(path: string) {
    super(`'${path}' is not set`);
    this.path = path;
    this.name = "MissingReference";
  }
}

/** The value at a dotted path (`steps.pr.result.pullRequest.number`; list items by index), or undefined. */
export function lookup(scope: Scope, path: string): Json | undefined {
  let current: Json | undefined = scope as Json;
  for (const part of path.split(".")) {
    if (current === null || current === undefined || typeof current !== "object") return undefined;
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(part)) return part === "length" ? current.length : undefined;
      current = current[Number(part)];
    } else {
      current = Object.hasOwn(current, part) ? current[part] : undefined;
    }
  }
  return current;
}

export function truthy(value: Json | undefined): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

/** Structural equality of JSON values. */
export function sameJson(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  const left = a as { [key: string]: Json };
  const right = b as { [key: string]: Json };
  const keys = Object.keys(left);
  return keys.length === Object.keys(right).length && keys.every((key) => sameJson(left[key], right[key]));
}

export function holds(condition: Condition, scope: Scope): boolean {
  const value = lookup(scope, condition.path);
  const expected = condition.value;
  switch (condition.op) {
    case "eq":
      return sameJson(value, expected);
    case "ne":
      return !sameJson(value, expected);
    case "in":
      return Array.isArray(expected) && expected.some((item) => sameJson(value, item));
    case "nin":
      return !(Array.isArray(expected) && expected.some((item) => sameJson(value, item)));
    case "exists":
      return value !== undefined && value !== null;
    case "truthy":
      return truthy(value);
    case "falsy":
      return !truthy(value);
  }
}

export const allHold = (conditions: readonly Condition[], scope: Scope): boolean =>
  conditions.every((condition) => holds(condition, scope));

export const anyHolds = (conditions: readonly Condition[], scope: Scope): boolean =>
  conditions.some((condition) => holds(condition, scope));

const WHOLE = /^\$\{([^{}]+)\}$/;
/** `$${` (the escape for a literal `${`) or a `${path}` reference, matched in one pass. */
const TOKEN = /\$\$\{|\$\{([^{}]+)\}/g;

/**
 * Fills `${path}` references in a step's params: a string that is one whole
 * reference becomes the value itself (numbers stay numbers); references
 * inside longer strings are interpolated; `$${` stands for a literal `${`.
 * Filled-in values are never read for references or escapes again. Throws
 * MissingReference.
 */
export function fill(template: Json, scope: Scope): Json {
  if (typeof template === "string") {
    const whole = WHOLE.exec(template);
    if (whole?.[1] !== undefined) return required(scope, whole[1].trim());
    return template.replace(TOKEN, (_token, path: string | undefined) => {
      if (path === undefined) return "${";
      const value = required(scope, path.trim());
      return typeof value === "string" ? value : JSON.stringify(value);
    });
  }
  if (Array.isArray(template)) return template.map((item) => fill(item, scope));
  if (template !== null && typeof template === "object") {
    // fromEntries defines own properties: a "__proto__" key stays a key instead of setting the prototype.
    return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, fill(value, scope)]));
  }
  return template;
}

function required(scope: Scope, path: string): Json {
  const value = lookup(scope, path);
  if (value === undefined) throw new MissingReference(path);
  return value;
}

/** Every `${path}` a template refers to (for validation of step ids at creation). */
export function references(template: Json): string[] {
  if (typeof template === "string") {
    const whole = WHOLE.exec(template);
    if (whole?.[1] !== undefined) return [whole[1].trim()];
    return [...template.matchAll(TOKEN)].flatMap((match) => (match[1] === undefined ? [] : [match[1].trim()]));
  }
  if (Array.isArray(template)) return template.flatMap(references);
  if (template !== null && typeof template === "object") return Object.values(template).flatMap(references);
  return [];
}

/** A JSON value cut down for an event: within `budget` characters of JSON, whatever its shape. */
export function summarize(value: Json | undefined, budget = 2000): Json | undefined {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  if (text.length <= budget) return value;
  for (let depth = 3; depth >= 0; depth -= 1) {
    const shrunk = shrink(value, depth);
    if (JSON.stringify(shrunk).length <= budget) return shrunk;
  }
  return `${text.slice(0, Math.max(0, budget - 40))}… (${text.length} chars)`;
}

function shrink(value: Json, depth: number): Json {
  if (typeof value === "string") return value.length > 200 ? `${value.slice(0, 200)}… (${value.length} chars)` : value;
  if (value === null || typeof value !== "object") return value;
  if (depth === 0) return Array.isArray(value) ? `[${value.length} items]` : "{…}";
  if (Array.isArray(value)) {
    const head = value.slice(0, 10).map((item) => shrink(item, depth - 1));
    return value.length > 10 ? [...head, `… ${value.length - 10} more`] : head;
  }
  return Object.fromEntries(
    Object.entries(value)
      .slice(0, 30)
      .map(([key, item]) => [key, shrink(item, depth - 1)]),
  );
}
