/**
 * The MCP client under test for `conformance client`: ATT's hub. The CLI
 * runs `node hub-client.ts <server-url>` with MCP_CONFORMANCE_SCENARIO set;
 * this registers the URL with a running ATT (ATT_HUB_URL, ATT_HUB_TOKEN), so
 * the hub's client initializes and lists tools, then drives what the scenario
 * expects of a client through ATT's REST API, and unregisters the server.
 */
export {};

const [serverUrl] = process.argv.slice(2);
const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? "";
const base = process.env.ATT_HUB_URL;
const token = process.env.ATT_HUB_TOKEN;
if (serverUrl === undefined || base === undefined || token === undefined) {
  console.error("usage: ATT_HUB_URL=... ATT_HUB_TOKEN=... node hub-client.ts <server-url>");
  process.exit(2);
}

async function api(path: string, init: { method: string; body?: unknown }): Promise<unknown> {
  const response = await fetch(`${base}${path}`, {
    method: init.method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  console.log(`${init.method} ${path} -> ${response.status} ${text.slice(0, 500)}`);
  if (!response.ok) throw new Error(`${init.method} ${path}: ${response.status}`);
  return text === "" ? null : JSON.parse(text);
}

/** What each scenario asks of a client beyond initialize (and tools/list, which the hub's check does). */
const TOOL_CALLS: Record<string, { name: string; arguments: Record<string, unknown> }> = {
  tools_call: { name: "add_numbers", arguments: { a: 5, b: 7 } },
  "sse-retry": { name: "test_reconnection", arguments: {} },
};

// The scenario servers name themselves `localhost`; the control plane reaches 127.0.0.1 where they listen.
const url = serverUrl.replace("//localhost:", "//127.0.0.1:");
const server = (await api("/api/v1/mcp/servers", {
  method: "POST",
  body: { name: `conformance-${scenario}-${crypto.randomUUID().slice(0, 8)}`, url },
})) as { id: string; status: string };
try {
  const call = TOOL_CALLS[scenario];
  if (call !== undefined) await api(`/api/v1/mcp/servers/${server.id}/tools/call`, { method: "POST", body: call });
} finally {
  await api(`/api/v1/mcp/servers/${server.id}`, { method: "DELETE" });
}
