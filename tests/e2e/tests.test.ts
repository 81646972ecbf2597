/**
 * The Tests view in real Chromium against wrangler dev, a real agent and
 * the chatbot template's real pytest suite (NAT's offline test LLM): run all
 * with live progress, a failing file added on disk runs by path and shows
 * its traceback, selection by marker, and the history of runs.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppPage, launchBrowser, openApp, PHONE, screenshot } from "../support/browser.ts";
import { Stack } from "../support/stack.ts";

const FAILING_TESTS = `"""Added by the e2e test: one wrong sum (marked arithmetic) and one right one."""
import pytest


def add(a, b):
    return a + b


@pytest.mark.arithmetic
def test_sum_is_wrong():
    total = add(2, 2)
    assert total == 5, "2 + 2 should have been 5"


def test_sum_is_right():
    assert add(1, 1) == 2
`;

/** Long enough for NAT to load the workflow on a shared two-core machine. */
const RUN_TIMEOUT_MS = 150_000;

let stack: Stack;
let browser: Browser;
let project: { id: string; path: string };

beforeAll(async () => {
  stack = await Stack.startLinkedWithNat();
  ({ project } = await stack.json<{ project: { id: string; path: string } }>("/api/v1/projects", {
    method: "POST",
    body: JSON.stringify({ name: "tests_bot", template: "chatbot" }),
  }));
  browser = await launchBrowser();
}, 900_000);

afterAll(async () => {
  await browser?.close();
  await stack?.dispose();
});

/** The run the result card shows, or null when there is none yet. */
async function shownRun(page: Page): Promise<string | null> {
  const result = page.getByTestId("test-result");
  return (await result.count()) === 0 ? null : result.getAttribute("data-run-id");
}

/** Presses a run button and waits until the card shows the new run's results. */
async function runAndWait(page: Page, button: string, options: { progress?: boolean } = {}): Promise<void> {
  const before = await shownRun(page);
  await page.getByRole("button", { name: button }).click();
  if (options.progress === true) {
    // Live progress: the running card with its ticking elapsed time.
    await page.getByTestId("test-progress").waitFor();
    expect(await page.getByTestId("elapsed").textContent()).toMatch(/\d/);
  }
  await expect.poll(() => shownRun(page), { timeout: RUN_TIMEOUT_MS }).not.toBe(before);
  await page.getByTestId("test-progress").waitFor({ state: "detached" });
}

describe("tests view", () => {
  let app: AppPage;

  beforeAll(async () => {
    app = await openApp(browser, stack, { path: `/projects/${project.id}/tests` });
    await app.page.getByText("No test run yet").waitFor();
  });
  afterAll(async () => {
    await app?.context.close();
  });

  it("runs all tests with live progress and shows the passed counts", async () => {
    const { page } = app;
    await runAndWait(page, "Run all tests", { progress: true });
    const result = page.getByTestId("test-result");
    expect(await result.getAttribute("data-status")).toBe("passed");
    expect(await page.getByTestId("counts-summary").textContent()).toBe("1 passed");
    expect(await result.locator('[data-count="passed"] .n').textContent()).toBe("1");
    // The same run as the API recorded it.
    const { run } = await stack.json<{ run: { status: string; counts: { passed: number } } }>(
      `/api/v1/projects/${project.id}/test/results`,
    );
    expect(run).toMatchObject({ status: "passed", counts: { passed: 1 } });
    await page.getByTestId("history-entry").first().waitFor();
    expect(app.errors).toEqual([]);
  });

  it("runs a failing file by path and shows the failure with its traceback", async () => {
    const { page } = app;
    writeFileSync(path.join(project.path, "tests", "test_sums.py"), FAILING_TESTS);
    await page.getByLabel("Paths or node ids").fill("tests/test_sums.py");
    await runAndWait(page, "Run selected tests");
    expect(await page.getByTestId("test-result").getAttribute("data-status")).toBe("failed");
    expect(await page.getByTestId("counts-summary").textContent()).toBe("1 passed, 1 failed");
    const failure = page.getByTestId("test-failure");
    expect(await failure.count()).toBe(1);
    expect(await failure.textContent()).toContain("tests/test_sums.py::test_sum_is_wrong");
    expect(await failure.textContent()).toMatch(/tests\/test_sums\.py:\d+/);
    // A single failure opens by itself; its traceback is pytest's own.
    const traceback = failure.getByTestId("traceback");
    await traceback.waitFor();
    expect(await traceback.textContent()).toContain("assert total == 5");
    expect(await traceback.textContent()).toContain("2 + 2 should have been 5");
    expect(app.errors).toEqual([]);
  });

  it("runs by marker, shows coverage, and lists every run in the history", async () => {
    const { page } = app;
    await page.getByRole("button", { name: "Clear selection" }).click();
    await page.getByLabel("-m marker").fill("arithmetic");
    await runAndWait(page, "Run selected tests");
    expect(await page.getByTestId("counts-summary").textContent()).toBe("1 failed");
    const failure = page.getByTestId("test-failure");
    expect(await failure.textContent()).toContain("test_sum_is_wrong");
    // Collapse and expand again: the traceback lives in a <details>.
    await failure.locator("summary").click();
    await failure.getByTestId("traceback").waitFor({ state: "hidden" });
    await failure.locator("summary").click();
    await failure.getByTestId("traceback").waitFor();
    expect(await page.getByTestId("coverage").textContent()).toMatch(/\d+\.\d%/);
    await expect.poll(() => page.getByTestId("history-entry").count()).toBe(3);
    await screenshot(page, "4-tests");

    // An earlier run from the history shows its own results again.
    await page.getByTestId("history-entry").last().click();
    await expect.poll(() => page.getByTestId("counts-summary").textContent()).toBe("1 passed");
    expect(await page.getByRole("heading", { name: "Run from the history" }).isVisible()).toBe(true);
    expect(app.errors).toEqual([]);
  });

  it("shows the server's problem for a path outside the project", async () => {
    const { page } = app;
    await page.getByLabel("-m marker").fill("");
    await page.getByLabel("Paths or node ids").fill("tests/no_such_file.py");
    await page.getByRole("button", { name: "Run selected tests" }).click();
    const alert = page.getByRole("alert").filter({ hasText: "could not be started" });
    await alert.waitFor();
    expect(await alert.textContent()).toContain("'tests/no_such_file.py' does not exist");
    expect(app.errors).toEqual([]);
  });

  it("is usable at phone size in the dark theme", async () => {
    const { page, errors, context } = await openApp(browser, stack, {
      path: `/projects/${project.id}/tests`,
      viewport: PHONE,
      colorScheme: "dark",
    });
    await page.getByTestId("test-result").waitFor({ timeout: 60_000 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, "4-tests-phone-dark");
    expect(errors).toEqual([]);
    await context.close();
  });
});
