/**
 * Dashboard and sign-in in real Chromium against wrangler dev and a real agent:
 * the `#token=` link signs in, a wrong token shows why (no loop), a project
 * is created from a template, and the agent's versions are shown.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, openApp, PHONE, screenshot } from "../support/browser.ts";
import { Stack } from "../support/stack.ts";

describe("dashboard", () => {
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

  it("serves the UI for client routes with protective headers, and API paths stay API", async () => {
    for (const pathname of ["/", "/projects/some-id/git", "/settings"]) {
      const response = await fetch(`${stack.url}${pathname}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/text\/html/);
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(await response.text()).toContain("_app/immutable");
    }
    const api = await fetch(`${stack.url}/api/v1/no-such-route`, {
      headers: { authorization: `Bearer ${stack.userToken}` },
    });
    expect(api.status).toBe(404);
    expect(api.headers.get("content-type")).toMatch(/problem\+json/);
  });

  it("refuses a wrong token with the reason and stays on the login screen", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${stack.url}/#token=not-the-token`);
    await page.getByRole("alert").waitFor();
    expect(await page.getByRole("alert").textContent()).toMatch(/not valid/);
    expect(await page.getByRole("heading", { name: "Sign in to ATT" }).isVisible()).toBe(true);
    await page.getByLabel("API token").fill(stack.userToken);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Projects" }).waitFor();
    await context.close();
  });

  it("creates a project from a template and lists it with the agent's tools", async () => {
    const { page, errors, context } = await openApp(browser, stack);
    await page.getByText("agent connected").waitFor();
    await page.getByLabel("Template").selectOption("chatbot");
    await page.getByLabel("Name").first().fill("hello_bot");
    await page.getByRole("button", { name: "Create" }).click();
    await page.waitForURL(/\/projects\/[^/]+$/);
    await page.getByRole("heading", { name: /hello_bot/ }).waitFor();
    const project = await stack.projectNamed("hello_bot");
    expect(page.url()).toContain(project.id);

    await page.getByRole("link", { name: "Dashboard", exact: true }).click();
    await page.getByTestId("project-row").getByRole("link", { name: "hello_bot" }).waitFor();
    await expect.poll(() => page.getByText("project.created").count()).toBeGreaterThan(0);
    expect(await page.getByText("git", { exact: true }).isVisible()).toBe(true);
    await screenshot(page, "1-dashboard");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("is usable at phone size in the dark theme", async () => {
    const { page, errors, context } = await openApp(browser, stack, { viewport: PHONE, colorScheme: "dark" });
    await page.getByTestId("project-row").getByRole("link", { name: "hello_bot" }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, "1-dashboard-phone-dark");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("shows a banner and disables agent actions when the agent is gone", async () => {
    const { page, errors, context } = await openApp(browser, stack);
    await page.getByText("agent connected").waitFor();
    await stack.stopAgents();
    await page.getByTestId("agent-banner").waitFor();
    expect(await page.getByRole("button", { name: "Create" }).isDisabled()).toBe(true);
    await screenshot(page, "1-dashboard-agent-disconnected");
    expect(errors).toEqual([]);
    await context.close();
  });
});
