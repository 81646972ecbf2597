/**
 * Web UI budgets in headless Chromium against the real stack, side by side:
 *  1. JavaScript the first page (the dashboard) loads, gzip-compressed, beside
 *     what the project page loads once the editor and terminal are opened
 *     (they must arrive only then);
 *  2. navigation to an interactive dashboard (projects listed, agent shown),
 *     median of LOADS cold loads, beside the same page's DOMContentLoaded.
 * Not a test: it asserts nothing about speed.
 */
import { gzipSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "../support/browser.ts";
import type { Stack } from "../support/stack.ts";

const LOADS = Number(process.env.ATT_BENCH_LOADS ?? 10);
const BUDGET_KB = 200;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** Records every script the page fetches, with its gzip size. */
function scriptRecorder(page: Page): Map<string, number> {
  const scripts = new Map<string, number>();
  page.on("response", async (response) => {
    if (response.request().resourceType() !== "script") return;
    const body = await response.body().catch(() => null);
    if (body !== null) scripts.set(new URL(response.url()).pathname, gzipSync(body).length);
  });
  return scripts;
}

const total = (scripts: Map<string, number>) => [...scripts.values()].reduce((a, b) => a + b, 0) / 1024;

async function signedIn(browser: Browser, stack: Stack) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript((token) => localStorage.setItem("att.token", token), stack.userToken);
  return context;
}

export async function benchWeb(stack: Stack): Promise<void> {
  const { project } = await stack.json<{ project: { id: string } }>("/api/v1/projects", {
    method: "POST",
    body: JSON.stringify({ name: "web_bench", template: "chatbot" }),
  });
  const browser = await launchBrowser();
  try {
    const context = await signedIn(browser, stack);
    const page = await context.newPage();
    const scripts = scriptRecorder(page);
    await page.goto(stack.url);
    await page.getByTestId("project-row").first().waitFor();
    await page.waitForLoadState("networkidle");
    const firstPage = total(scripts);
    const firstPageFiles = scripts.size;

    await page.goto(`${stack.url}/projects/${project.id}`);
    await page.getByRole("treeitem").first().waitFor();
    await page.waitForLoadState("networkidle");
    const projectPage = total(scripts);
    const projectFiles = scripts.size;
    await page.getByRole("treeitem", { name: /README\.md/ }).click();
    await page.locator(".ace_editor").waitFor();
    await page.waitForLoadState("networkidle");
    const withEditor = total(scripts);
    const editorFiles = scripts.size;
    await page.getByLabel("Command").focus();
    await page.locator(".xterm").waitFor();
    await page.waitForLoadState("networkidle");
    const withTerminal = total(scripts);
    await context.close();

    console.log("\nWeb UI JavaScript (gzip, as fetched by Chromium)");
    console.log("page                                   | files |    KiB   | budget");
    console.log(
      `dashboard (first page)                 | ${String(firstPageFiles).padStart(5)} | ${firstPage.toFixed(1).padStart(8)} | < ${BUDGET_KB} KiB: ${firstPage < BUDGET_KB ? "met" : "MISSED"}`,
    );
    const row = (label: string, files: number, kib: number) =>
      console.log(`${label.padEnd(38)} | ${String(files).padStart(5)} | ${kib.toFixed(1).padStart(8)} |`);
    row("+ project page (tree, log panel)", projectFiles, projectPage);
    row("+ a file opened (Ace, on demand)", editorFiles, withEditor);
    row("+ terminal used (xterm.js, on demand)", scripts.size, withTerminal);

    const interactive: number[] = [];
    const domReady: number[] = [];
    for (let i = 0; i < LOADS; i += 1) {
      const cold = await signedIn(browser, stack);
      const tab = await cold.newPage();
      const started = performance.now();
      await tab.goto(stack.url, { waitUntil: "domcontentloaded" });
      domReady.push(performance.now() - started);
      await tab.getByTestId("project-row").first().waitFor();
      await tab.getByText("agent connected").waitFor();
      interactive.push(performance.now() - started);
      await cold.close();
    }
    console.log(`\nNavigation to dashboard, median of ${LOADS} cold loads (new browser context each)`);
    console.log(`DOMContentLoaded (HTML + entry scripts): ${median(domReady).toFixed(0)} ms`);
    console.log(`interactive (projects listed, agent shown): ${median(interactive).toFixed(0)} ms`);
  } finally {
    await browser.close();
  }
}
