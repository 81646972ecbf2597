/**
 * Settings in real Chromium: an MCP server is added through the form and
 * checked for real (ATT's own /mcp, a genuine Streamable HTTP server, with
 * its bearer token as a header that is shown only masked); a server on a
 * closed port shows why it is degraded; a stdio server (server-everything,
 * run by the agent) is added with a masked env value; a tool call through
 * the form fails over from a stopped HTTP server and shows the JSON answer
 * and the trail; the token is masked until revealed.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, openApp, screenshot } from "../support/browser.ts";
import { EVERYTHING_STDIO } from "../support/everything-server.ts";
import { McpFixtureServer } from "../support/mcp-fixture-server.ts";
import { freePort, Stack } from "../support/stack.ts";

describe("settings", () => {
  let stack: Stack;
  let browser: Browser;
  const fixture = new McpFixtureServer();

  beforeAll(async () => {
    stack = await Stack.start();
    await stack.startLinkedAgent();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await fixture.stop();
    await browser?.close();
    await stack?.dispose();
  });

  it("adds MCP servers, shows their health and tools, and removes one", async () => {
    const { page, errors, context } = await openApp(browser, stack, { path: "/settings" });
    const form = page.getByRole("form", { name: "Add an MCP server" });
    await form.getByLabel("Name").fill("att-self");
    await form.getByLabel("URL").fill(`${stack.url}/mcp`);
    await form.getByLabel(/^Header(?! value)/).fill("Authorization");
    await form.getByLabel("Header value (optional)").fill(`Bearer ${stack.userToken}`);
    await form.getByRole("button", { name: "Add server" }).click();
    const self = page.getByTestId("mcp-server").filter({ hasText: "att-self" });
    await self.locator(`[data-status="healthy"]`).waitFor();
    await self.getByText(/\d+ tools/).click();
    await self.getByText("att.project.create", { exact: true }).waitFor();
    // The secret header is shown masked, never in full.
    expect(await page.content()).not.toContain(stack.userToken);

    const closed = await freePort();
    await form.getByLabel("Name").fill("nowhere");
    await form.getByLabel("URL").fill(`http://127.0.0.1:${closed}/mcp`);
    await form.getByLabel("Header value (optional)").fill("");
    await form.getByRole("button", { name: "Add server" }).click();
    const nowhere = page.getByTestId("mcp-server").filter({ hasText: "nowhere" });
    await nowhere.locator(`[data-status="degraded"]`).waitFor();
    await nowhere.getByText(/connection refused/).waitFor();
    await screenshot(page, "8-settings");

    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Remove nowhere" }).click();
    await expect.poll(() => nowhere.count()).toBe(0);
    const { servers } = await stack.json<{ servers: { name: string; status: string }[] }>("/api/v1/mcp/servers");
    expect(servers.map((s) => [s.name, s.status])).toEqual([["att-self", "healthy"]]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("adds a stdio server, calls a tool with failover and shows the answer and the trail", async () => {
    await fixture.start();
    const secret = `secret-${crypto.randomUUID()}`;
    const { page, errors, context } = await openApp(browser, stack, { path: "/settings" });
    const form = page.getByRole("form", { name: "Add an MCP server" });
    await form.getByLabel("Name").fill("fixture-http");
    await form.getByLabel("URL").fill(fixture.url);
    await form.getByRole("button", { name: "Add server" }).click();
    await page
      .getByTestId("mcp-server")
      .filter({ hasText: "fixture-http" })
      .locator(`[data-status="healthy"]`)
      .waitFor();

    await form.getByLabel("stdio (run by the agent)").check();
    await form.getByLabel("Name").fill("everything");
    await form.getByLabel("Command").fill(EVERYTHING_STDIO.command);
    await form.getByLabel("Arguments (one per line)").fill(EVERYTHING_STDIO.args.join("\n"));
    await form.getByLabel("Variable 1", { exact: true }).fill("HUB_SECRET");
    await form.getByLabel("Value 1", { exact: true }).fill(secret);
    await form.getByRole("button", { name: "Add server" }).click();
    const everything = page.getByTestId("mcp-server").filter({ hasText: "everything" });
    await everything.locator(`[data-status="healthy"]`).waitFor();
    await everything.getByText(`HUB_SECRET=****${secret.slice(-4)}`).waitFor();
    expect(await page.content()).not.toContain(secret);

    // The HTTP server goes away; the call by name fails over to the stdio server, which has an `echo` too.
    await fixture.stop();
    const call = page.getByRole("form", { name: "Call an MCP tool" });
    await call.getByLabel("Tool").fill("echo");
    await call.getByLabel("Arguments (JSON)").fill('{"text": "hello", "message": "hello"}');
    await call.getByRole("button", { name: "Call tool" }).click();
    const result = page.getByTestId("mcp-call-result");
    await result.waitFor();
    expect(await result.textContent()).toContain("Echo: hello");
    const rows = page.getByTestId("mcp-call-trail").locator("tbody tr");
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain("fixture-http");
    expect(await rows.nth(0).textContent()).toContain("connection refused");
    expect(await rows.nth(1).getAttribute("data-ok")).toBe("true");
    // The failed server is checked again at once: its badge turns degraded without a reload.
    await page
      .getByTestId("mcp-server")
      .filter({ hasText: "fixture-http" })
      .locator(`[data-status="degraded"]`)
      .waitFor();
    await page.getByTestId("mcp-call-result").scrollIntoViewIfNeeded();
    await screenshot(page, "8b-settings-mcp-call");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("masks the token until it is revealed and lists the templates", async () => {
    const { page, errors, context } = await openApp(browser, stack, { path: "/settings" });
    const token = page.getByTestId("token");
    await token.waitFor();
    expect(await token.textContent()).not.toContain(stack.userToken);
    await page.getByRole("button", { name: "Reveal" }).click();
    expect(await token.textContent()).toBe(stack.userToken);
    await page.getByRole("cell", { name: /Chatbot/ }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });
});
