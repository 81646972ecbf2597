/**
 * The UI's API types must be what the running control plane serves: the
 * committed web/src/lib/api/schema.d.ts is regenerated from the live OpenAPI
 * document and compared. A server change without `npm run gen:api` fails here.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_TYPES_FILE, fetchOpenApi, renderApiTypes } from "../support/api-types.ts";
import { Stack } from "../support/stack.ts";

describe("web API types", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start();
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it("match the OpenAPI document the control plane serves (run `npm run gen:api` when this fails)", async () => {
    const expected = await renderApiTypes(await fetchOpenApi(stack.url, stack.userToken));
    const committed = readFileSync(API_TYPES_FILE, "utf8");
    expect(committed === expected, "web/src/lib/api/schema.d.ts is stale: run `npm run gen:api`").toBe(true);
  });
});
