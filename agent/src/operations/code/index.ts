/** Code operations (tree, read, write, search, diff), jailed to the project root. */
import type { CODE_METHODS } from "@att/shared";
import type { Operations } from "../context.ts";
import { codeDiff } from "./diff.ts";
import { codeRead } from "./read.ts";
import { codeSearch } from "./search.ts";
import { codeTree } from "./tree.ts";
import { codeWrite } from "./write.ts";

export const codeOperations: Operations<keyof typeof CODE_METHODS> = {
  "code.tree": codeTree,
  "code.read": codeRead,
  "code.write": codeWrite,
  "code.search": codeSearch,
  "code.diff": codeDiff,
};
