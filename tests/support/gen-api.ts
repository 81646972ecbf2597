/** `npm run gen:api`: start a control plane, read its OpenAPI document, write the UI's API types. */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { API_TYPES_FILE, fetchOpenApi, renderApiTypes } from "./api-types.ts";
import { repoRoot, Stack } from "./stack.ts";

const stack = await Stack.start();
try {
  const types = await renderApiTypes(await fetchOpenApi(stack.url, stack.userToken));
  writeFileSync(API_TYPES_FILE, types);
  console.log(`wrote ${path.relative(repoRoot, API_TYPES_FILE)} (${types.length} bytes)`);
} finally {
  await stack.dispose();
}
