/** A log line as the store keeps it: the contract's LogLine plus its project. */
import type { LogLine } from "@att/shared";

export interface StoredLine extends LogLine {
  projectId: string;
}
