/** CI states in the colours every other status uses (styles.css badge tones); "none" stays neutral. */
import type { Schemas } from "../api/client.ts";

const TONE: Record<Schemas["CiState"], string> = {
  none: "",
  pending: "warn",
  running: "warn",
  success: "ok",
  failure: "bad",
  error: "bad",
};

export function ciTone(state: Schemas["CiState"]): string {
  return TONE[state];
}
