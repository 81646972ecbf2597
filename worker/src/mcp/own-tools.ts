/** Every MCP tool the workspace answers itself (not one agent operation), in the order tools/list shows them. */
import { HUB_TOOLS } from "../hub/mcp-tools.ts";
import { WORKFLOW_TOOLS } from "./workflow-tools.ts";
import type { WorkspaceToolSpec } from "./workspace-tool.ts";

export const OWN_TOOLS: readonly WorkspaceToolSpec[] = [...WORKFLOW_TOOLS, ...HUB_TOOLS];
