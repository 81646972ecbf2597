/**
 * Field guards for event payloads: they are plain JSON on the wire, so the
 * views read them field by field and drop what does not fit instead of
 * trusting a cast.
 */

/** A JSON object as it arrives (an event's payload, or an object inside one). */
export type Payload = { [key: string]: unknown };

export const isRecord = (value: unknown): value is Payload =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export const str = (value: unknown): string | null => (typeof value === "string" ? value : null);

export const int = (value: unknown): number | null =>
  typeof value === "number" && Number.isInteger(value) ? value : null;

export const num = (value: unknown): number | null =>
  typeof value === "number" && Number.isFinite(value) ? value : null;
