/** A project's files: tree, read, write, search and diff (all paths jailed by the agent). */
import { CodeDiffParams, CodeSearchParams, CodeTreeParams, CodeWriteParams, GitRef } from "@att/shared";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { AppBindings } from "../env.ts";
import { operationRoute, queryBool, queryInt } from "./operation-route.ts";

const TAG = "files";
const shape = CodeTreeParams.shape;
const search = CodeSearchParams.shape;
const diff = CodeDiffParams.shape;

const TreeQuery = z.object({
  path: shape.path,
  hidden: queryBool.optional(),
  limit: queryInt(1, 10_000).optional(),
});
const SearchQuery = z.object({
  query: search.query,
  regex: queryBool.optional(),
  caseSensitive: queryBool.optional(),
  path: search.path,
  context: queryInt(0, 10).optional(),
  limit: queryInt(1, 1000).optional(),
});
const DiffQuery = z.object({
  from: GitRef.optional(),
  to: GitRef.optional(),
  staged: queryBool.optional(),
  path: diff.path,
  context: queryInt(0, 100).optional(),
});
const ReadQuery = z.object({
  offset: queryInt(0, Number.MAX_SAFE_INTEGER).optional(),
  length: queryInt(1, 512 * 1024).optional(),
});
const WriteBody = CodeWriteParams.omit({ projectId: true, path: true });

export function registerFiles(app: OpenAPIHono<AppBindings>): void {
  operationRoute(app, {
    verb: "get",
    path: "/api/v1/projects/{id}/files",
    tag: TAG,
    summary: "List files (respects .gitignore; dotfiles and ignored files with hidden=true)",
    operation: "code.tree",
    query: TreeQuery,
    errors: [403, 404],
    toParams: ({ id, query }) => ({ projectId: id, ...query }),
  });
  // search and diff are registered before files/{path}, so they win: a file at
  // the project root named exactly "search" or "diff" is read through MCP (att.code.read).
  operationRoute(app, {
    verb: "get",
    path: "/api/v1/projects/{id}/files/search",
    tag: TAG,
    summary: "Search file contents (literal or regex; binary files skipped)",
    operation: "code.search",
    query: SearchQuery,
    errors: [403, 404],
    toParams: ({ id, query }) => ({ projectId: id, ...query }),
  });
  operationRoute(app, {
    verb: "get",
    path: "/api/v1/projects/{id}/files/diff",
    tag: TAG,
    summary: "Unified diff: working tree vs HEAD by default, the index with staged=true, or between refs",
    operation: "code.diff",
    query: DiffQuery,
    errors: [403, 404, 412],
    toParams: ({ id, query }) => ({ projectId: id, ...query }),
  });
  operationRoute(app, {
    verb: "get",
    path: "/api/v1/projects/{id}/files/{path}",
    tag: TAG,
    summary: "Read a file (text as utf8, binary as base64; large files in pages)",
    operation: "code.read",
    query: ReadQuery,
    errors: [403, 404],
    toParams: ({ id, path, query }) => ({ projectId: id, path, ...query }),
  });
  operationRoute(app, {
    verb: "put",
    path: "/api/v1/projects/{id}/files/{path}",
    tag: TAG,
    summary: "Write a file (creates parent directories; atomic; optional digest check)",
    operation: "code.write",
    body: WriteBody,
    bodyExample: { content: "print('hello')\n", encoding: "utf8" },
    errors: [403, 404, 409, 413],
    toParams: ({ id, path, body }) => ({ projectId: id, path, ...body }),
  });
}
