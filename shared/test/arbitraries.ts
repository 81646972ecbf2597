/** fast-check generators of valid protocol values. */
import type { AgentEvent, Json, Project } from "@att/shared";
import { EventType, ProjectStatus } from "@att/shared";
import fc from "fast-check";

const idChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-".split("");
export const id = fc
  .tuple(fc.constantFrom(...idChars.slice(0, 62)), fc.array(fc.constantFrom(...idChars), { maxLength: 63 }))
  .map(([first, rest]) => first + rest.join(""));

export const timestamp = fc
  .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString());

/** Valid JSON values: no -0 (JSON text cannot carry it), no `__proto__` keys (refused by design). */
export const json: fc.Arbitrary<Json> = fc
  .jsonValue({ maxDepth: 4 })
  .map((v) => JSON.parse(JSON.stringify(v)) as Json)
  .filter((v) => !JSON.stringify(v).includes('"__proto__"'));

export const project: fc.Arbitrary<Project> = fc.record({
  id,
  name: fc.string({ minLength: 1, maxLength: 128 }),
  path: fc.string({ minLength: 1, maxLength: 200 }),
  gitRemote: fc.option(fc.webUrl(), { nil: null }),
  natConfigPath: fc.option(fc.constant("configs/config.yml"), { nil: null }),
  status: fc.constantFrom(...ProjectStatus.options),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const agentEvent: fc.Arbitrary<AgentEvent> = fc.record({
  id: fc.uuid({ version: 4 }),
  projectId: id,
  type: fc.constantFrom(...EventType.options),
  payload: fc.dictionary(
    fc.string({ maxLength: 10 }).filter((k) => k !== "__proto__"),
    json,
    { maxKeys: 5 },
  ),
  timestamp,
  actor: fc.string({ minLength: 1, maxLength: 128 }),
});
