/** Results that cross the Durable Object RPC boundary: plain data, never thrown errors. */
import type { WireError } from "@att/shared";

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: WireError };

export const success = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const failure = <T = never>(error: WireError): Outcome<T> => ({ ok: false, error });
