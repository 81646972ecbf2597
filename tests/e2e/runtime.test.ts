/**
 * The Runtime view in real Chromium against wrangler dev, a real agent and a
 * real `nat serve` of the chatbot template (NAT's offline test LLM): Start
 * shows starting → running with its health, live log lines, level and regex
 * filters (an invalid regex shows the server's problem), an exchange sent
 * over REST appears as a trace timeline, Stop shows stopped.
 */
import type { Browser, Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppPage, launchBrowser, openApp, PHONE, screenshot } from "../support/browser.ts";
import { Stack } from "../support/stack.ts";

/** Validating the config and `nat serve` becoming healthy, on a shared two-core machine. */
const START_TIMEOUT_MS = 150_000;
const AT_LEAST_INFO = ["info", "warning", "error", "critical"];

let stack: Stack;
let browser: Browser;
let projectId: string;

beforeAll(async () => {
  stack = await Stack.startLinkedWithNat();
  const created = await stack.json<{ project: { id: string } }>("/api/v1/projects", {
    method: "POST",
    body: JSON.stringify({ name: "runtime_bot", template: "chatbot" }),
  });
  projectId = created.project.id;
  browser = await launchBrowser();
}, 900_000);

afterAll(async () => {
  // The app must never outlive the test, whatever failed above.
  await stack?.api(`/api/v1/projects/${projectId}/runtime/stop`, { method: "POST", body: "{}" }).catch(() => undefined);
  await browser?.close();
  await stack?.dispose();
});

const levelsOf = (rows: Locator) => rows.evaluateAll((els) => els.map((el) => el.getAttribute("data-level") ?? ""));
const textsOf = (rows: Locator) =>
  rows.evaluateAll((els) => els.map((el) => el.querySelector(".text")?.textContent ?? ""));

describe("runtime view", () => {
  let app: AppPage;

  beforeAll(async () => {
    app = await openApp(browser, stack, { path: `/projects/${projectId}/runtime` });
    await app.page.getByTestId("runtime-state").getByText("stopped").waitFor();
  });
  afterAll(async () => {
    await app?.context.close();
  });

  it("starts the app: starting → running with its health and live log lines", async () => {
    const { page } = app;
    // No lines before the start, once LogView's history request has answered (the empty state says so).
    await page.getByText("No log lines yet: start the app to see its output.").waitFor();
    expect(await page.getByTestId("log-line").count()).toBe(0);
    await page.getByRole("button", { name: "Start", exact: true }).click();
    await page.getByRole("button", { name: "Starting…" }).waitFor();
    // Running, or the problem the view shows (a failed start explains itself).
    const outcome = await Promise.race([
      page
        .getByTestId("runtime-state")
        .getByText("running")
        .waitFor({ timeout: START_TIMEOUT_MS })
        .then(() => "running"),
      page
        .getByRole("alert")
        .first()
        .waitFor({ timeout: START_TIMEOUT_MS })
        .then(async () => `alert: ${await page.getByRole("alert").first().textContent()}`),
    ]).catch((error: unknown) => String(error));
    expect(outcome).toBe("running");
    // Both transitions arrived live as runtime.status events, in order (newest first in the list).
    const history = page.getByTestId("health-history").locator("li");
    const states = () => history.evaluateAll((els) => els.map((el) => el.getAttribute("data-state")));
    await expect.poll(states).toEqual(["running", "starting", "stopped"]);
    // Live lines: the agent's own start note and NAT's uvicorn output, with no reload.
    const rows = page.getByTestId("log-line");
    await expect.poll(async () => (await textsOf(rows)).some((text) => /Uvicorn running on/.test(text))).toBe(true);
    expect(await page.getByRole("link", { name: /^http:\/\/127\.0\.0\.1:\d+$/ }).count()).toBe(1);
    // The status answer carries the health probe once the agent has made one.
    await expect
      .poll(() => page.getByTestId("last-probe").textContent(), { timeout: 30_000 })
      .toMatch(/GET \/health 200/);
    expect(app.errors).toEqual([]);
  });

  it("filters by level and regex, and shows the problem of an invalid regex", async () => {
    const { page } = app;
    const rows = page.getByTestId("log-line");
    const all = await rows.count();
    const unleveled = (await levelsOf(rows)).filter((level) => level === "").length;
    expect(unleveled).toBeGreaterThan(0);

    await page.getByLabel("Minimum level").selectOption("info");
    await expect.poll(async () => (await levelsOf(rows)).every((level) => AT_LEAST_INFO.includes(level))).toBe(true);
    const info = await rows.count();
    expect(info).toBeGreaterThan(0);
    expect(info).toBeLessThan(all);

    await page.getByLabel("Minimum level").selectOption("");
    await page.getByLabel("Regex").fill("Uvicorn running|Application startup");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect
      .poll(async () => (await textsOf(rows)).filter((text) => !/Uvicorn running|Application startup/.test(text)))
      .toEqual([]);
    expect(await rows.count()).toBeGreaterThan(0);

    await page.getByLabel("Regex").fill("(");
    await page.getByRole("button", { name: "Apply" }).click();
    const problem = page.getByRole("alert").filter({ hasText: "The filter was not applied" });
    await problem.waitFor();
    expect(await problem.textContent()).toContain("invalid pattern");
    expect(await problem.textContent()).toContain("400");

    await page.getByRole("button", { name: "Clear filters" }).click();
    await problem.waitFor({ state: "detached" });
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(all);
    expect(app.errors).toEqual([]);
  });

  it("shows the trace of an exchange sent over REST as a timeline", async () => {
    const { page } = app;
    const sent = await stack.json<{ text: string; traceId: string }>(`/api/v1/projects/${projectId}/runtime/send`, {
      method: "POST",
      body: JSON.stringify({ message: "hello" }),
    });
    expect(sent.text).toMatch(/^Hello from runtime_bot!/);
    // runtime.chat.done names the trace; the view loads and draws it.
    const timeline = page.getByTestId("trace-timeline");
    await timeline.getByText(sent.text, { exact: true }).waitFor();
    expect(await timeline.getByText("hello", { exact: true }).count()).toBe(1);
    const steps = timeline.getByTestId("trace-step");
    expect(await steps.count()).toBeGreaterThan(0);
    expect(await steps.first().getAttribute("data-category")).toBe("FUNCTION");
    expect(await steps.first().textContent()).toContain("<workflow>");
    expect(await steps.first().locator(".bar").count()).toBe(1);
    // The app's state, its logs and the trace in one view: the page scrolled to the App card.
    await page
      .getByRole("heading", { name: "App", exact: true })
      .evaluate((heading) => heading.closest("section")?.scrollIntoView({ block: "start" }));
    await screenshot(page, "5-runtime");
    expect(app.errors).toEqual([]);
  });

  it("is usable at phone size in the dark theme", async () => {
    const { page, errors, context } = await openApp(browser, stack, {
      path: `/projects/${projectId}/runtime`,
      viewport: PHONE,
      colorScheme: "dark",
    });
    await page.getByTestId("runtime-state").getByText("running").waitFor();
    await page.getByTestId("trace-timeline").waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, "5-runtime-phone-dark");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("stops the app and shows it stopped", async () => {
    const { page } = app;
    await page.getByRole("button", { name: "Stop", exact: true }).click();
    await page.getByTestId("runtime-state").getByText("stopped").waitFor({ timeout: 60_000 });
    const { status } = await stack.json<{ status: { state: string } }>(`/api/v1/projects/${projectId}/runtime/status`);
    expect(status.state).toBe("stopped");
    const latest = page.getByTestId("health-history").locator("li").first();
    expect(await latest.getAttribute("data-state")).toBe("stopped");
    expect(app.errors).toEqual([]);
  });
});
