/**
 * The Deploy view in real Chromium against wrangler dev, a real agent and the
 * real NAT (the chatbot template on NAT's offline test LLM): build a release,
 * deploy it and see it healthy, build and deploy a second one, roll back to
 * the first, and read every outcome in the history. The app is stopped at the end.
 */
import type { Project, RuntimeStatus } from "@att/shared";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, openApp, PHONE, screenshot } from "../support/browser.ts";
import { Stack } from "../support/stack.ts";

/** NAT starts take seconds to a minute on a busy machine; a deploy waits for /health. */
const NAT_MS = 240_000;

describe("deploy view", () => {
  let stack: Stack;
  let browser: Browser;
  let project: Project;

  beforeAll(async () => {
    stack = await Stack.startLinkedWithNat();
    browser = await launchBrowser();
    ({ project } = await stack.json<{ project: Project }>("/api/v1/projects", {
      method: "POST",
      body: JSON.stringify({ name: "deploy_demo", template: "chatbot" }),
    }));
  }, 900_000);
  afterAll(async () => {
    if (stack !== undefined && project !== undefined) {
      await stack.api(`/api/v1/projects/${project.id}/runtime/stop`, { method: "POST", body: "{}" });
    }
    await browser?.close();
    await stack?.dispose();
  });

  const runtime = async () =>
    (await stack.json<{ status: RuntimeStatus }>(`/api/v1/projects/${project.id}/runtime/status`)).status;

  /** Builds a release from the UI and waits until it is listed. */
  async function build(page: Page, label: string, version: number): Promise<void> {
    await page.getByLabel("Label (optional)").fill(label);
    await page.getByRole("button", { name: "Build release" }).click();
    const built = page.getByRole("status").filter({ hasText: `Built release v${version}` });
    const failure = page.getByRole("alert");
    await built.or(failure).first().waitFor({ timeout: NAT_MS });
    expect(await failure.count(), (await failure.allTextContents()).join("\n")).toBe(0);
    await page.getByTestId("release-row").filter({ hasText: label }).waitFor();
  }

  /** Waits for the deploy or rollback the UI started and returns the report line it shows. */
  async function finished(page: Page): Promise<string> {
    // A deploy takes seconds: meanwhile the progress line shows the elapsed time…
    await page.getByTestId("deploy-progress").waitFor();
    // …and the live events of this deploy as they arrive.
    await page
      .getByRole("list", { name: "Live events" })
      .getByText(/Deploying release v\d|Rolling back to release v\d/)
      .waitFor({ timeout: NAT_MS });
    const result = page.getByTestId("deploy-result");
    const failure = page.getByRole("alert");
    await result.or(failure).first().waitFor({ timeout: NAT_MS });
    // A refused request shows the server's problem instead: fail with its words.
    expect(await failure.count(), (await failure.allTextContents()).join("\n")).toBe(0);
    return (await result.textContent()) ?? "";
  }

  it(
    "builds, deploys, deploys a second release and rolls back to the first, with real outcomes",
    async () => {
      const { page, errors, context } = await openApp(browser, stack, { path: `/projects/${project.id}/deploy` });
      await page.getByText("No releases yet.", { exact: false }).waitFor();
      expect(await page.getByTestId("docker-note").textContent()).toMatch(/Docker/);

      await build(page, "first", 1);
      await page.getByLabel("Release to deploy").selectOption({ label: "v1 · first" });
      await page.getByRole("button", { name: "Deploy", exact: true }).click();
      const first = await finished(page);
      expect(first).toContain("Deploy of v1");
      expect(first).toContain("succeeded");
      const live = await runtime();
      expect(live.state).toBe("running");
      expect((await fetch(`${live.url}/health`)).status).toBe(200);
      await expect.poll(() => page.getByTestId("current-release").textContent(), { timeout: 20_000 }).toContain("v1");
      await page.getByTestId("last-probe").getByText("healthy", { exact: true }).waitFor({ timeout: 60_000 });
      const row = page.getByTestId("deployment-row").first();
      expect(await row.getAttribute("data-outcome")).toBe("succeeded");
      // The time until /health answered comes from the release's runtime.status event.
      await expect
        .poll(() => row.textContent(), { timeout: 20_000 })
        .toMatch(/\/health answered 200, healthy after \d/);

      await build(page, "second", 2);
      // The picker moves to the release just built (not left on v1).
      const picked = page.getByLabel("Release to deploy").locator("option:checked");
      await expect.poll(() => picked.textContent(), { timeout: 20_000 }).toBe("v2 · second");
      await page.getByRole("button", { name: "Deploy", exact: true }).click();
      const second = await finished(page);
      expect(second).toContain("Deploy of v2");
      expect(second).toContain("succeeded");
      await expect.poll(() => page.getByTestId("current-release").textContent(), { timeout: 20_000 }).toContain("v2");

      await page.getByLabel("Roll back to").selectOption({ label: "v1 · first" });
      await page.getByRole("button", { name: "Roll back to v1" }).click();
      const back = await finished(page);
      expect(back).toContain("Rollback to v1");
      expect(back).toContain("succeeded");
      await expect.poll(() => page.getByTestId("current-release").textContent(), { timeout: 20_000 }).toContain("v1");

      const status = await stack.json<{ current: { version: number } | null; history: { outcome: string }[] }>(
        `/api/v1/projects/${project.id}/deploy/status`,
      );
      expect(status.current?.version).toBe(1);
      expect(status.history.map((d) => d.outcome)).toEqual(["succeeded", "succeeded", "succeeded"]);
      const shown = await page
        .getByTestId("deployment-row")
        .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-outcome")));
      expect(shown).toEqual(["succeeded", "succeeded", "succeeded"]);
      expect(await page.getByTestId("deployment-row").first().textContent()).toContain("Roll back to v1");
      expect((await runtime()).releaseId).toBe((await releaseIds())[0]);
      const events = await stack.eventsOfType(project.id, "deploy.completed", 3);
      expect(events).toHaveLength(3);

      await page.getByRole("heading", { name: "Build and deploy" }).scrollIntoViewIfNeeded();
      await screenshot(page, "6-deploy");
      expect(errors).toEqual([]);
      await context.close();
    },
    NAT_MS * 4,
  );

  it("fits a phone in the dark theme", async () => {
    const { page, errors, context } = await openApp(browser, stack, {
      path: `/projects/${project.id}/deploy`,
      viewport: PHONE,
      colorScheme: "dark",
    });
    await page.getByTestId("deployment-row").first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, "6-deploy-phone-dark");
    expect(errors).toEqual([]);
    await context.close();
  });

  /** Release ids oldest first (v1, v2, …). */
  async function releaseIds(): Promise<string[]> {
    const { releases } = await stack.json<{ releases: { id: string; version: number }[] }>(
      `/api/v1/projects/${project.id}/deploy/status`,
    );
    return releases.toSorted((a, b) => a.version - b.version).map((r) => r.id);
  }
});
