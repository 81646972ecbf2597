/** Code operations: tree, read, write, search and diff, all jailed to the project root. */
import { z } from "zod";
import { GitRef, ProjectPath, ProjectScoped } from "./common.ts";

/** Files above this are read in pages (`offset`/`length`), never whole. */
export const MAX_READ_BYTES = 512 * 1024;
/** Largest file `code.write` accepts (its content travels in one link frame). */
export const MAX_WRITE_BYTES = 512 * 1024;
export const MAX_TREE_ENTRIES = 10_000;
export const MAX_SEARCH_RESULTS = 1_000;
/** Files above this size are skipped by `code.search` (like binary files). */
export const MAX_SEARCH_FILE_BYTES = 8 * 1024 * 1024;
/** Matched and context lines longer than this are cut in search results. */
export const MAX_SEARCH_LINE_CHARS = 1_000;
/** `code.diff` cuts its unified text at a line boundary below this size. */
export const MAX_DIFF_BYTES = 512 * 1024;
/** `code.diff` lists at most this many files in `files`. */
export const MAX_DIFF_FILES = 2_000;

export const FileEncoding = z.enum(["utf8", "base64"]);
export type FileEncoding = z.infer<typeof FileEncoding>;

export const TreeEntry = z
  .object({
    path: ProjectPath,
    type: z.enum(["file", "directory", "symlink"]),
    size: z.number().int().min(0).meta({ description: "Bytes; 0 for directories." }),
  })
  .meta({ id: "TreeEntry" });
export type TreeEntry = z.infer<typeof TreeEntry>;

export const CodeTreeParams = ProjectScoped.extend({
  path: z.string().max(4096).default("").meta({ description: "Subdirectory to list; the root when empty." }),
  hidden: z.boolean().default(false).meta({
    description:
      "Include dotfiles and files ignored by .gitignore. `.git` is never listed. In a git repository without `hidden`, the list is git's (tracked plus untracked-not-ignored files), so empty directories do not appear.",
  }),
  limit: z.number().int().min(1).max(MAX_TREE_ENTRIES).default(MAX_TREE_ENTRIES),
});
export const CodeTreeResult = z.object({
  entries: z.array(TreeEntry).meta({
    description: "Files, directories and symlinks (not followed), sorted by path segment by segment.",
  }),
  truncated: z.boolean(),
});

export const CodeReadParams = ProjectScoped.extend({
  path: ProjectPath,
  offset: z.number().int().min(0).default(0).meta({ description: "Byte offset to start at." }),
  length: z.number().int().min(1).max(MAX_READ_BYTES).default(MAX_READ_BYTES),
});
export const CodeReadResult = z
  .object({
    path: ProjectPath,
    encoding: FileEncoding.meta({ description: "utf8 for text; base64 when the file is binary." }),
    binary: z.boolean().meta({
      description: "True when the file has a NUL byte in its first 8 KiB or is not valid UTF-8.",
    }),
    content: z.string(),
    size: z.number().int().min(0).meta({ description: "The whole file's size in bytes." }),
    offset: z.number().int().min(0),
    nextOffset: z
      .number()
      .int()
      .min(0)
      .nullable()
      .meta({ description: "Where the next page starts; null at the end." }),
    sha256: z.string().meta({ description: "Digest of the whole file: pass it to code.write as `expectedSha256`." }),
  })
  .meta({ id: "FileContent" });

export const CodeWriteParams = ProjectScoped.extend({
  path: ProjectPath,
  content: z.string().max(Math.ceil(MAX_WRITE_BYTES / 3) * 4),
  encoding: FileEncoding.default("utf8"),
  expectedSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable()
    .optional()
    .meta({ description: "Refuse with 409 unless the file's current digest matches (null: must not exist)." }),
});
export const CodeWriteResult = z.object({
  path: ProjectPath.meta({ description: "The file written, after resolving symlinks inside the project." }),
  size: z.number().int().min(0),
  sha256: z.string(),
  created: z.boolean(),
});

export const SearchMatch = z
  .object({
    path: ProjectPath,
    line: z.number().int().min(1),
    column: z
      .number()
      .int()
      .min(1)
      .meta({ description: "1-based, in UTF-16 code units (as editors count), of the line's first match." }),
    text: z.string().meta({ description: `The matched line, cut at ${MAX_SEARCH_LINE_CHARS} characters.` }),
    before: z.array(z.string()),
    after: z.array(z.string()),
  })
  .meta({ id: "SearchMatch" });
export type SearchMatch = z.infer<typeof SearchMatch>;

export const CodeSearchParams = ProjectScoped.extend({
  query: z.string().min(1).max(1024),
  regex: z.boolean().default(false).meta({
    description:
      "Treat `query` as a JavaScript regular expression (flags: `i` when not case-sensitive); otherwise a literal string.",
  }),
  caseSensitive: z.boolean().default(true),
  path: z.string().max(4096).optional().meta({ description: "Only search under this directory." }),
  context: z.number().int().min(0).max(10).default(2).meta({ description: "Lines of context before and after." }),
  limit: z.number().int().min(1).max(MAX_SEARCH_RESULTS).default(200),
});
export const CodeSearchResult = z.object({
  matches: z.array(SearchMatch).meta({
    description:
      "One per matching line, sorted by path then line. Searches tracked and untracked-not-ignored files; binary files and files over MAX_SEARCH_FILE_BYTES are skipped.",
  }),
  truncated: z.boolean(),
});

export const DiffFile = z
  .object({
    path: ProjectPath,
    oldPath: ProjectPath.nullable(),
    status: z.enum(["added", "modified", "deleted", "renamed", "copied", "type_changed", "unknown"]),
    additions: z.number().int().min(0),
    deletions: z.number().int().min(0),
    binary: z.boolean(),
  })
  .meta({ id: "DiffFile" });
export type DiffFile = z.infer<typeof DiffFile>;

export const CodeDiffParams = ProjectScoped.extend({
  from: GitRef.optional().meta({ description: "Base ref; HEAD when omitted." }),
  to: GitRef.optional().meta({ description: "Target ref; the working tree when omitted." }),
  staged: z
    .boolean()
    .default(false)
    .meta({ description: "Compare the index with `from` instead of the working tree." }),
  path: z.string().max(4096).optional().meta({ description: "Only this file or directory." }),
  context: z.number().int().min(0).max(100).default(3),
});
export const CodeDiffResult = z.object({
  diff: z.string().meta({
    description: "Unified diff, cut at a line boundary below MAX_DIFF_BYTES. Untracked files are not part of it.",
  }),
  files: z.array(DiffFile),
  truncated: z.boolean(),
});

export const CODE_METHODS = {
  "code.tree": { params: CodeTreeParams, result: CodeTreeResult },
  "code.read": { params: CodeReadParams, result: CodeReadResult },
  "code.write": { params: CodeWriteParams, result: CodeWriteResult },
  "code.search": { params: CodeSearchParams, result: CodeSearchResult },
  "code.diff": { params: CodeDiffParams, result: CodeDiffResult },
} as const;
