/** The stored record of the workspace's agent: who it is, what it can do, when it came and went. */
import { type Capabilities, Capabilities as CapabilitiesSchema } from "@att/shared";
import { eq } from "drizzle-orm";
import type { WorkspaceDb } from "./event-log.ts";
import { agentLink } from "./schema.ts";

const SLOT = 1;

export interface AgentRecord {
  agentId: string;
  capabilities: Capabilities | null;
  connectedAt: string;
  disconnectedAt: string | null;
}

export class AgentState {
  readonly #db: WorkspaceDb;
  constructor(db: WorkspaceDb) {
    this.#db = db;
  }

  connected(agentId: string, capabilities: Capabilities): void {
    const row = {
      slot: SLOT,
      agentId,
      capabilities: JSON.stringify(capabilities),
      connectedAt: new Date().toISOString(),
      disconnectedAt: null,
    };
    this.#db.insert(agentLink).values(row).onConflictDoUpdate({ target: agentLink.slot, set: row }).run();
  }

  disconnected(): void {
    this.#db.update(agentLink).set({ disconnectedAt: new Date().toISOString() }).where(eq(agentLink.slot, SLOT)).run();
  }

  read(): AgentRecord | null {
    const row = this.#db.select().from(agentLink).where(eq(agentLink.slot, SLOT)).get();
    if (row === undefined) return null;
    const capabilities = CapabilitiesSchema.safeParse(JSON.parse(row.capabilities));
    return {
      agentId: row.agentId,
      capabilities: capabilities.success ? capabilities.data : null,
      connectedAt: row.connectedAt,
      disconnectedAt: row.disconnectedAt,
    };
  }
}
