/**
 * The runtime.send exchanges in progress on this agent and the questions
 * (HITL) they wait on, so runtime.respond can deliver an answer. Ended
 * exchanges and settled questions are remembered for a while, to tell a
 * late answer (409) from one to something that never existed (404).
 */
import type { ChatPrompt } from "@att/shared";
import type { OperationContext } from "../context.ts";
import { OperationError } from "../errors.ts";

/** A question waiting for its answer. */
export interface PendingPrompt {
  prompt: ChatPrompt;
  /** Sends the answer to NAT; throws conflict when the exchange ended meanwhile. */
  answer: (text: string) => void;
  /** Stops waiting (the exchange ended). */
  cancel: () => void;
}

interface Live {
  projectId: string;
  pending: Map<string, PendingPrompt>;
  /** Interactions answered, expired or that expected no answer. */
  settled: Set<string>;
}

export type ExchangeEnd = "completed" | "failed";

/** How many ended exchanges are remembered. */
const REMEMBERED = 1000;

export class Exchanges {
  readonly #live = new Map<string, Live>();
  readonly #ended = new Map<string, { projectId: string; status: ExchangeEnd }>();

  /** Registers a new exchange; an id used before is a conflict. */
  begin(projectId: string, exchangeId: string): void {
    if (this.#live.has(exchangeId) || this.#ended.has(exchangeId))
      throw new OperationError("conflict", `exchange id '${exchangeId}' was already used; choose a new one`, {
        reason: "exchange_id_used",
      });
    this.#live.set(exchangeId, { projectId, pending: new Map(), settled: new Set() });
  }

  ask(exchangeId: string, interactionId: string, pending: PendingPrompt): void {
    this.#live.get(exchangeId)?.pending.set(interactionId, pending);
  }

  /** The question no longer waits (answered, expired, or a notification). */
  settle(exchangeId: string, interactionId: string): void {
    const live = this.#live.get(exchangeId);
    live?.pending.delete(interactionId);
    live?.settled.add(interactionId);
  }

  end(exchangeId: string, status: ExchangeEnd): void {
    const live = this.#live.get(exchangeId);
    if (live === undefined) return;
    this.#live.delete(exchangeId);
    for (const pending of live.pending.values()) pending.cancel();
    this.#ended.set(exchangeId, { projectId: live.projectId, status });
    for (const oldest of this.#ended.keys()) {
      if (this.#ended.size <= REMEMBERED) break;
      this.#ended.delete(oldest);
    }
  }

  /** The question `interactionId` of the exchange, or why it cannot be answered. */
  pending(projectId: string, exchangeId: string, interactionId: string): PendingPrompt {
    const ended = this.#ended.get(exchangeId);
    if (ended !== undefined && ended.projectId === projectId)
      throw new OperationError(
        "conflict",
        `exchange '${exchangeId}' already ended (${ended.status}); answer too late`,
        {
          reason: "exchange_ended",
          status: ended.status,
        },
      );
    const live = this.#live.get(exchangeId);
    if (live === undefined || live.projectId !== projectId)
      throw new OperationError("not_found", `no exchange '${exchangeId}' of this project is in progress`, {
        reason: "unknown_exchange",
      });
    const pending = live.pending.get(interactionId);
    if (pending !== undefined) return pending;
    if (live.settled.has(interactionId))
      throw new OperationError("conflict", `interaction '${interactionId}' no longer waits for an answer`, {
        reason: "interaction_settled",
      });
    throw new OperationError("not_found", `exchange '${exchangeId}' has no interaction '${interactionId}'`, {
      reason: "unknown_interaction",
      waiting: [...live.pending.keys()],
    });
  }
}

/** One registry per agent, keyed by its state database (operations share it; test contexts get their own). */
const registries = new WeakMap<object, Exchanges>();

export function exchangesOf(context: OperationContext): Exchanges {
  let registry = registries.get(context.db);
  if (registry === undefined) {
    registry = new Exchanges();
    registries.set(context.db, registry);
  }
  return registry;
}
