/** ATT's wire protocol: the single source of truth for every shape on the wire. */
export * from "./errors.ts";
export * from "./frames.ts";
export * from "./json.ts";
export * from "./mcp-servers.ts";
export * from "./methods.ts";
export * from "./models.ts";
export * from "./ops/code.ts";
export * from "./ops/common.ts";
export * from "./ops/deploy.ts";
export * from "./ops/git.ts";
export * from "./ops/projects.ts";
export * from "./ops/runs.ts";
export * from "./ops/runtime.ts";
export * from "./ops/runtime-chat.ts";
export * from "./ops/terminal.ts";
export * from "./rest.ts";
export * from "./version.ts";
