/** Code operations (tree, read, write, search, diff), jailed to the project root. */
import type { CODE_METHODS } from "@att/shared";
import type { Operations } from "../context.ts";
import { notBuiltYet } from "../errors.ts";

export const codeOperations: Operations<keyof typeof CODE_METHODS> = {
  "code.tree": notBuiltYet,
  "code.read": notBuiltYet,
  "code.write": notBuiltYet,
  "code.search": notBuiltYet,
  "code.diff": notBuiltYet,
};
