/**
 * A project page's live event stream survives the control plane going away:
 * the page shows the stream reconnecting, then resumes from the last sequence
 * number it saw, so events emitted after the restart arrive once each, none
 * lost, none repeated.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, openApp } from "../support/browser.ts";
import { Stack } from "../support/stack.ts";

describe("live events in the browser", () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await Stack.start();
    stack.addProjectDir("stream");
    stack.addProjectDir("quiet");
    await stack.startLinkedAgent();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.dispose();
  });

  const newestSeq = async (projectId: string) => {
    const { events } = await stack.json<{ events: { seq: number }[] }>(
      `/api/v1/projects/${projectId}/events?order=desc&limit=1`,
    );
    return events[0]?.seq ?? 0;
  };

  it("resume after a control-plane restart without gaps or duplicates", async () => {
    const project = await stack.projectNamed("stream");
    const { page, errors, context } = await openApp(browser, stack, { path: `/projects/${project.id}` });
    const badge = page.getByTestId("stream-state");
    await expect.poll(() => badge.textContent(), { timeout: 15_000 }).toContain("live");

    await stack.json(`/api/v1/projects/${project.id}/diagnostics/events`, {
      method: "POST",
      body: JSON.stringify({ count: 20 }),
    });
    await expect.poll(() => badge.getAttribute("data-received"), { timeout: 20_000 }).toBe("20");

    await stack.stopControlPlane();
    await expect.poll(() => badge.textContent(), { timeout: 20_000 }).toContain("reconnecting");
    await stack.startControlPlane();
    await stack.waitForAgent();
    await stack.json(`/api/v1/projects/${project.id}/diagnostics/events`, {
      method: "POST",
      body: JSON.stringify({ count: 30 }),
    });
    const newest = await newestSeq(project.id);
    await expect.poll(() => badge.getAttribute("data-last-seq"), { timeout: 30_000 }).toBe(String(newest));
    expect(await badge.getAttribute("data-received")).toBe("50");
    expect(await badge.textContent()).toContain("live");
    // Chromium logs each refused reconnect while the control plane is down; nothing else may fail.
    expect(errors.filter((error) => !error.includes("ERR_CONNECTION_REFUSED"))).toEqual([]);
    await context.close();
  });

  it("never replays a quiet project's history after a reconnect", async () => {
    const project = await stack.projectNamed("quiet");
    await stack.json(`/api/v1/projects/${project.id}/diagnostics/events`, {
      method: "POST",
      body: JSON.stringify({ count: 25 }),
    });
    const { page, errors, context } = await openApp(browser, stack, { path: `/projects/${project.id}` });
    const badge = page.getByTestId("stream-state");
    await expect.poll(() => badge.textContent(), { timeout: 15_000 }).toContain("live");
    expect(await badge.getAttribute("data-last-seq")).toBe(String(await newestSeq(project.id)));

    await stack.stopControlPlane();
    await expect.poll(() => badge.textContent(), { timeout: 20_000 }).toContain("reconnecting");
    await stack.startControlPlane();
    await stack.waitForAgent();
    await expect.poll(() => badge.textContent(), { timeout: 30_000 }).toContain("live");
    expect(await badge.getAttribute("data-received")).toBe("0");
    expect(errors.filter((error) => !error.includes("ERR_CONNECTION_REFUSED"))).toEqual([]);
    await context.close();
  });
});
