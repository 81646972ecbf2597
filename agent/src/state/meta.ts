/** Small key-value facts about this agent install, such as its stable id. */
import { eq } from "drizzle-orm";
import type { AgentDb } from "./db.ts";
import { meta } from "./schema.ts";

export function agentId(db: AgentDb): string {
  const existing = db.select().from(meta).where(eq(meta.key, "agent_id")).get();
  if (existing !== undefined) return existing.value;
  const id = `agent-${crypto.randomUUID()}`;
  db.insert(meta).values({ key: "agent_id", value: id }).run();
  return id;
}
