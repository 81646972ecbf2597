/**
 * The remote MCP URL as an OAuth 2.1 protected resource, driven by the MCP
 * SDK client's own OAuth flow against the real stack: discovery from the 401,
 * dynamic client registration, PKCE, ATT's consent page (signed in with a
 * personal token), the code exchange, then tool calls in the user's workspace.
 * The test plays the user's browser with fetch: it reads the page's form and
 * posts it with the page's consent cookie, as a browser would.
 */
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, createUser, type TestUser } from "../support/accounts.ts";
import { Stack } from "../support/stack.ts";

/** An MCP client's OAuth state, kept in memory; the redirect is captured instead of opening a browser. */
class MemoryProvider implements OAuthClientProvider {
  readonly redirectUrl = "http://127.0.0.1:9/callback";
  #client: OAuthClientInformationMixed | undefined;
  #tokens: OAuthTokens | undefined;
  #verifier = "";
  authorizationUrl: URL | undefined;

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: "ATT OAuth test client",
      redirect_uris: [this.redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }
  clientInformation() {
    return this.#client;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.#client = info;
  }
  tokens() {
    return this.#tokens;
  }
  saveTokens(tokens: OAuthTokens) {
    this.#tokens = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.#verifier = verifier;
  }
  codeVerifier() {
    return this.#verifier;
  }
}

interface ConsentPage {
  handle: string;
  cookie: string;
  html: string;
}

async function openConsent(url: URL): Promise<ConsentPage> {
  const response = await fetch(url, { redirect: "manual" });
  const html = await response.text();
  expect(response.status, html).toBe(200);
  expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  const handle = /name="handle" value="([^"]+)"/.exec(html)?.[1] ?? "";
  const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  expect(handle).not.toBe("");
  expect(cookie).toMatch(/^__Host-oauth-consent/);
  return { handle, cookie, html };
}

async function submitConsent(url: URL, page: ConsentPage, fields: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: { cookie: page.cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ handle: page.handle, ...fields }),
  });
}

/** Runs the SDK's flow up to the redirect to ATT's consent page. */
async function startAuthorization(stack: Stack, provider: MemoryProvider): Promise<URL> {
  const transport = new StreamableHTTPClientTransport(new URL(`${stack.url}/mcp`), { authProvider: provider });
  const client = new Client({ name: "oauth-test", version: "1.0.0" });
  await expect(client.connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
  const url = provider.authorizationUrl;
  if (url === undefined) throw new Error("the SDK did not ask to open the authorization page");
  return url;
}

async function connected(stack: Stack, provider: MemoryProvider): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${stack.url}/mcp`), { authProvider: provider });
  const client = new Client({ name: "oauth-test", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

/** Approves on the consent page with `token` and hands the code to the SDK. */
async function authorize(stack: Stack, provider: MemoryProvider, token: string): Promise<Client> {
  const url = await startAuthorization(stack, provider);
  const page = await openConsent(url);
  expect(page.html).toContain("ATT OAuth test client");
  expect(page.html).toContain("this computer"); // the loopback warning
  const approved = await submitConsent(url, page, { decision: "approve", token });
  expect(approved.status).toBe(302);
  const location = new URL(approved.headers.get("location") ?? "");
  expect(location.origin + location.pathname).toBe(provider.redirectUrl);
  expect(location.searchParams.get("iss")).toBe(stack.url);
  const code = location.searchParams.get("code") ?? "";
  const transport = new StreamableHTTPClientTransport(new URL(`${stack.url}/mcp`), { authProvider: provider });
  await transport.finishAuth(code);
  return connected(stack, provider);
}

describe("OAuth 2.1 for the remote MCP URL", () => {
  let stack: Stack;
  let alice: TestUser;
  /** Something only Alice's workspace has: an MCP server registration named after her. */
  const MARKER = "alice-only-server";

  beforeAll(async () => {
    stack = await Stack.start();
    alice = await createUser(stack, "alice");
    const registered = await stack.api("/api/v1/mcp/servers", {
      method: "POST",
      token: alice.token,
      body: JSON.stringify({ name: MARKER, url: "http://127.0.0.1:9/mcp" }),
    });
    expect(registered.status, await registered.clone().text()).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await stack?.dispose();
  });

  it("answers 401 with a pointer to its protected-resource metadata, which names the authorization server", async () => {
    const response = await stack.api("/mcp", { method: "POST", token: null, body: "{}" });
    expect(response.status).toBe(401);
    const challenge = response.headers.get("www-authenticate") ?? "";
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(challenge)?.[1] ?? "";
    expect(metadataUrl).toBe(`${stack.url}/.well-known/oauth-protected-resource/mcp`);
    const metadata = (await (await fetch(metadataUrl)).json()) as { resource: string; authorization_servers: string[] };
    expect(metadata.resource).toBe(`${stack.url}/mcp`);
    const server = (await (
      await fetch(`${metadata.authorization_servers[0]}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, unknown>;
    expect(server.code_challenge_methods_supported).toEqual(["S256"]);
    expect(server.registration_endpoint).toBe(`${stack.url}/oauth/register`);
  });

  it("completes the SDK client's flow (registration, PKCE, consent) and acts in the user's workspace", async () => {
    const provider = new MemoryProvider();
    const client = await authorize(stack, provider, alice.token);
    const listed = await client.callTool({ name: "att.mcp.servers", arguments: {} });
    expect(listed.isError ?? false).toBe(false);
    expect(JSON.stringify(listed.structuredContent)).toContain(MARKER);
    await client.close();

    // The access token is bound to the MCP resource: the REST API does not take it.
    const accessToken = provider.tokens()?.access_token ?? "";
    expect(accessToken).not.toBe("");
    expect((await stack.api("/api/v1/me", { token: accessToken })).status).toBe(401);
    // A personal API token keeps working as a bearer token for scripts.
    const script = await fetch(`${stack.url}/mcp`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${alice.token}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "script", version: "1" } },
      }),
    });
    expect(script.status).toBe(200);
  }, 60_000);

  it("grants carry the member's live role: a viewer's client cannot start workflows", async () => {
    const vi = await createUser(stack, "vi");
    await addMember(stack, alice.token, vi.userId, "viewer");
    const token = (await (
      await stack.api("/api/v1/tokens", {
        method: "POST",
        token: vi.token,
        body: JSON.stringify({ name: "for alice's workspace", workspaceId: alice.workspaceId }),
      })
    ).json()) as { secret: string };
    const client = await authorize(stack, new MemoryProvider(), token.secret);
    const start = await client.callTool({
      name: "att.workflow.start",
      arguments: { projectId: "demo", name: "nope", steps: [{ id: "w", action: { type: "delay", ms: 1 } }] },
    });
    expect(start.isError).toBe(true);
    expect(JSON.stringify(start.content)).toContain("forbidden");
    expect((await client.callTool({ name: "att.workflow.list", arguments: {} })).isError ?? false).toBe(false);
    await client.close();
  }, 60_000);

  it("refuses a bad sign-in, honours Deny, and will not exchange a code without its PKCE verifier", async () => {
    const provider = new MemoryProvider();
    const url = await startAuthorization(stack, provider);
    const page = await openConsent(url);
    const wrong = await submitConsent(url, page, { decision: "approve", token: "attp_not-a-real-token" });
    expect(wrong.status).toBe(401);
    const denied = await submitConsent(url, page, { decision: "deny" });
    expect(denied.status).toBe(302);
    expect(new URL(denied.headers.get("location") ?? "").searchParams.get("error")).toBe("access_denied");
    // The same form cannot be replayed.
    expect((await submitConsent(url, page, { decision: "approve", token: alice.token })).status).toBe(400);

    // A code stolen in transit is useless without the verifier the client kept.
    const second = await openConsent(url);
    const approved = await submitConsent(url, second, { decision: "approve", token: alice.token });
    const code = new URL(approved.headers.get("location") ?? "").searchParams.get("code") ?? "";
    const clientId = (provider.clientInformation() as { client_id: string }).client_id;
    const exchange = await fetch(`${stack.url}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code,
        client_id: clientId,
        redirect_uri: provider.redirectUrl,
        code_verifier: "a".repeat(64),
      }),
    });
    expect(exchange.status).toBe(400);
    expect(((await exchange.json()) as { error: string }).error).toBe("invalid_grant");
  }, 60_000);
});
