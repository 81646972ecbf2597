/**
 * ATT's built-in project templates: real files under agent/templates/, copied
 * in layers with a tiny placeholder syntax (see agent/templates/README.md).
 */
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TemplateId } from "@att/shared";
import { OperationError } from "../errors.ts";

export const TEMPLATES_DIR: string = fileURLToPath(new URL("../../../templates/", import.meta.url));

export type FileTemplateId = Exclude<TemplateId, "nat_workflow_create">;

interface TemplateInfo {
  title: string;
  description: string;
  layers: readonly string[];
  /** Values for placeholders other than name and description. */
  values?: Readonly<Record<string, string>>;
}

const NAT = ["_common", "_nat"] as const;

export const TEMPLATES: Readonly<Record<TemplateId, TemplateInfo>> = {
  empty: { title: "Empty", description: "A folder with a README and a git repository.", layers: ["_common", "empty"] },
  chatbot: {
    title: "Chatbot",
    description: "A NAT chat_completion workflow; runs offline with NAT's test LLM.",
    layers: [...NAT, "chatbot"],
    values: { nat_extras: "langchain" },
  },
  tool_calling_agent: {
    title: "Tool-calling agent",
    description:
      "A NAT tool_calling_agent with a calculator tool the project registers; needs an LLM with tool calling.",
    layers: [...NAT, "tool_calling_agent"],
    values: { nat_extras: "langchain" },
  },
  rag: {
    title: "RAG starter",
    description: "Documents in data/, a TF-IDF search function and a workflow that answers from them with an LLM.",
    layers: [...NAT, "rag"],
    values: { nat_extras: "langchain" },
  },
  mcp_server: {
    title: "MCP server",
    description: "NAT functions published as MCP tools with `nat mcp serve`.",
    layers: [...NAT, "mcp_server"],
    values: { nat_extras: "langchain,mcp" },
  },
  nat_workflow_create: {
    title: "nat workflow create",
    description: "NAT's own scaffold (`nat workflow create`); needs NAT installed on this machine.",
    layers: [],
  },
};

const PLACEHOLDER = /\{\{(\w+)\}\}/g;

/** Fills `{{key}}` placeholders; an unknown key is a bug in a template, never silently kept. */
export function fillPlaceholders(text: string, values: Readonly<Record<string, string>>, where: string): string {
  return text.replace(PLACEHOLDER, (_match, key: string) => {
    const value = values[key];
    if (value === undefined)
      throw new OperationError("internal", `template ${where} uses unknown placeholder {{${key}}}`);
    return value;
  });
}

/**
 * One line of plain text for the description: it lands in TOML and Python
 * strings and in Markdown, so quotes, backslashes and line breaks are dropped.
 */
export function safeDescription(description: string | undefined, fallback: string): string {
  const cleaned = (description ?? "")
    .replace(/[\p{Cc}"\\`]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  return cleaned === "" ? fallback : cleaned;
}

async function filesUnder(dir: string, prefix = ""): Promise<string[]> {
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .filter((entry) => entry.name !== "__pycache__" && !entry.name.endsWith(".pyc"))
      .map((entry) => {
        const relative = path.join(prefix, entry.name);
        return entry.isDirectory() ? filesUnder(dir, relative) : Promise.resolve([relative]);
      }),
  );
  return nested.flat();
}

/** Where a template file lands: placeholders filled, `gitignore` written as `.gitignore`. */
function targetPath(relative: string, values: Readonly<Record<string, string>>): string {
  const filled = fillPlaceholders(relative, values, relative);
  return path.basename(filled) === "gitignore" ? path.join(path.dirname(filled), ".gitignore") : filled;
}

/** Writes template `id` into `dir` (created); returns the number of files written. */
export async function renderTemplate(options: {
  id: FileTemplateId;
  dir: string;
  name: string;
  description?: string | undefined;
}): Promise<number> {
  const info = TEMPLATES[options.id];
  const values = {
    ...info.values,
    name: options.name,
    description: safeDescription(options.description, `${options.name}: ${info.description}`),
  };
  const files = new Map<string, string>(); // target → source; later layers win
  for (const layer of info.layers) {
    const layerDir = path.join(TEMPLATES_DIR, layer);
    for (const relative of await filesUnder(layerDir)) {
      files.set(targetPath(relative, values), path.join(layerDir, relative));
    }
  }
  await mkdir(options.dir, { recursive: true });
  for (const [target, source] of files) {
    const text = fillPlaceholders(await readFile(source, "utf8"), values, path.relative(TEMPLATES_DIR, source));
    await mkdir(path.dirname(path.join(options.dir, target)), { recursive: true });
    await writeFile(path.join(options.dir, target), text);
  }
  return files.size;
}
