/**
 * Settings in real Chromium: an MCP server is added through the form and
 * checked for real (ATT's own /mcp, a genuine Streamable HTTP server, with
 * its bearer token as a header that is shown only masked); a server on a
 * closed port shows why it is unreachable; the token is masked until revealed.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, openApp, screenshot } from "../support/browser.ts";
import { freePort, Stack } from "../support/stack.ts";

describe("settings", () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await Stack.start();
    await stack.startLinkedAgent();
    browser = await launchBrowser();
  });
  afterAll(async () => {
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
    await nowhere.locator(`[data-status="unreachable"]`).waitFor();
    await screenshot(page, "8-settings");

    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Remove nowhere" }).click();
    await expect.poll(() => nowhere.count()).toBe(0);
    const { servers } = await stack.json<{ servers: { name: string; status: string }[] }>("/api/v1/mcp/servers");
    expect(servers.map((s) => [s.name, s.status])).toEqual([["att-self", "healthy"]]);
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
