/**
 * The project's Files view in real Chromium against wrangler dev and a real
 * agent: a project made from the chatbot template, a Python file opened from
 * the tree, edited in Ace and saved with Ctrl-S (checked on disk and in the
 * event log), binary and oversized files labelled instead of opened, a shell
 * command run in the terminal with its streamed output and exit code, and the
 * guard that stops unsaved edits from being lost when leaving the view.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Project, RuntimeStatus } from "@att/shared";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, openApp, PHONE, screenshot } from "../support/browser.ts";
import { Stack } from "../support/stack.ts";

const NAME = "files_bot";
const PYTHON_FILE = `src/${NAME}/register.py`;
const MARK = "# edited in the browser";
/** A 1×1 PNG: binary (it has NUL bytes). */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
const BIG_BYTES = 600 * 1024;
/** expect.poll waits 15 s by default (vitest.config.ts); the agent, Ace and xterm can take longer on a busy machine. */
const UNTIL = { timeout: 20_000 };

describe("project view", () => {
  let stack: Stack;
  let browser: Browser;
  let project: Project;
  let dir: string;

  beforeAll(async () => {
    // NAT only for the log panel's scenario, which runs the app.
    stack = await Stack.startLinkedWithNat();
    browser = await launchBrowser();
    ({ project } = await stack.json<{ project: Project }>("/api/v1/projects", {
      method: "POST",
      body: JSON.stringify({ name: NAME, template: "chatbot" }),
    }));
    dir = path.join(stack.projectsDir, NAME);
    writeFileSync(path.join(dir, "logo.png"), PNG);
    writeFileSync(path.join(dir, "big.txt"), `${"0123456789abcde\n".repeat(BIG_BYTES / 16)}`);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.dispose();
  });

  const treeItem = (page: Page, name: string) => page.getByRole("treeitem", { name, exact: true });
  const editorText = async (page: Page) => (await page.locator(".ace_content").textContent()) ?? "";
  /** xterm's rows (its DOM renderer draws one element per row; spaces may be no-break spaces). */
  const terminalText = async (page: Page) =>
    (await page.locator(".xterm-rows > div").allTextContents()).join("\n").replaceAll("\u00a0", " ");

  it("edits and saves a file, labels binary and large files, and runs a command", async () => {
    const { page, errors, context } = await openApp(browser, stack, { path: `/projects/${project.id}` });
    await page.getByRole("heading", { name: new RegExp(NAME) }).waitFor();

    // The tree works from the keyboard: right opens a folder, down moves into it, Enter opens a file.
    await treeItem(page, "configs").focus();
    await page.keyboard.press("ArrowRight");
    expect(await treeItem(page, "configs").getAttribute("aria-expanded")).toBe("true");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByTestId("editor-file").textContent(), UNTIL).toContain("configs/config.yml");
    await page.locator(".ace_editor").waitFor();
    await expect.poll(() => editorText(page), UNTIL).toContain("workflow");

    // Ignored and dotfiles only on request.
    expect(await treeItem(page, ".gitignore").count()).toBe(0);
    await page.getByLabel("Show hidden and ignored files").check();
    await treeItem(page, ".gitignore").waitFor();
    await page.getByLabel("Show hidden and ignored files").uncheck();
    await treeItem(page, ".gitignore").waitFor({ state: "detached" });

    // Folders open from the tree, the file opens in Ace with its Python text.
    await treeItem(page, "src").click();
    await treeItem(page, NAME).click();
    expect(await treeItem(page, NAME).getAttribute("aria-expanded")).toBe("true");
    await treeItem(page, "register.py").click();
    await page.locator(".ace_editor").waitFor();
    await expect.poll(() => editorText(page), UNTIL).toContain("Registers");
    expect(await page.getByTestId("editor-file").textContent()).toContain(PYTHON_FILE);
    expect(await page.locator(".ace_editor").getAttribute("class")).toMatch(/ace-cloud_editor/);

    // The open file's folder can be collapsed (it is not forced open again), then reopened.
    await treeItem(page, NAME).click();
    await treeItem(page, "register.py").waitFor({ state: "detached" });
    expect(await treeItem(page, NAME).getAttribute("aria-expanded")).toBe("false");
    await treeItem(page, NAME).click();
    await treeItem(page, "register.py").waitFor();

    // Type at the end, see the file marked unsaved, save with Ctrl-S.
    await page.locator(".ace_content").click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type(MARK);
    await expect.poll(() => page.getByTestId("editor-file").textContent(), UNTIL).toContain("unsaved changes");
    await page.keyboard.press("Control+s");
    await expect.poll(() => page.getByTestId("editor-status").textContent(), UNTIL).toMatch(/^Saved/);
    expect(await page.getByTestId("editor-file").textContent()).not.toContain("unsaved changes");
    expect(readFileSync(path.join(dir, PYTHON_FILE), "utf8")).toContain(MARK);
    const changed = await stack.eventsOfType(project.id, "code.changed", 1);
    expect(changed.map((event) => event.payload.path)).toContain(PYTHON_FILE);

    // A binary file and one over the editor's limit are described, not opened.
    await treeItem(page, "logo.png").click();
    await expect
      .poll(() => page.getByTestId("file-kind").textContent(), UNTIL)
      .toContain(`binary file, ${PNG.length} bytes`);
    expect(await page.getByRole("img", { name: "Preview of logo.png" }).isVisible()).toBe(true);
    await treeItem(page, "big.txt").click();
    await expect
      .poll(() => page.getByTestId("file-kind").textContent(), UNTIL)
      .toContain(`too large to edit, ${BIG_BYTES} bytes`);

    // A command runs in the project directory; its output streams into the terminal, then its exit.
    await treeItem(page, "register.py").click();
    await expect.poll(() => editorText(page), UNTIL).toContain(MARK);
    // xterm.js is fetched when the terminal is first used, not with the page.
    expect(await page.locator(".xterm").count()).toBe(0);
    await page.getByLabel("Command").fill("echo hello && ls");
    await page.getByLabel("Command").press("Enter");
    await page.locator(".xterm-rows").waitFor();
    await expect.poll(() => page.getByTestId("terminal-status").textContent(), UNTIL).toMatch(/exit 0/);
    // xterm paints its rows asynchronously (after the status line says exit 0): wait for the last one.
    await expect.poll(() => terminalText(page), UNTIL).toMatch(/exit 0/);
    const screen = await terminalText(page);
    expect(screen).toMatch(/\$ echo hello && ls/);
    expect(await page.getByTestId("terminal-status").textContent()).toContain("echo hello && ls");
    expect(screen).toMatch(/^hello$/m);
    expect(screen).toContain("README.md");
    expect(screen).toContain("big.txt");
    expect(screen).toMatch(/exit 0/);
    // The history brings the command back.
    await page.getByLabel("Command").press("ArrowUp");
    expect(await page.getByLabel("Command").inputValue()).toBe("echo hello && ls");

    const exits = await stack.eventsOfType(project.id, "terminal.exit", 1);
    expect(exits[0]?.payload.exitCode).toBe(0);

    // The log panel is there, empty until the app runs.
    await page.getByRole("tab", { name: "App logs" }).click();
    await page.getByText("No logs yet: start the app in").waitFor();
    await page.getByRole("tab", { name: "Terminal" }).click();

    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, "2-project");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("asks before unsaved edits are lost, and keeps them when told to stay", async () => {
    const { page, errors, context } = await openApp(browser, stack, {
      path: `/projects/${project.id}?file=${encodeURIComponent(PYTHON_FILE)}`,
    });
    await expect.poll(() => editorText(page), UNTIL).toContain(MARK);
    expect(await treeItem(page, "register.py").getAttribute("aria-selected")).toBe("true");
    await page.locator(".ace_content").click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type(" twice");
    await expect.poll(() => page.getByTestId("editor-file").textContent(), UNTIL).toContain("unsaved changes");

    // Going to another tab asks; dismissing stays with the edit.
    const asked: string[] = [];
    page.once("dialog", (dialog) => {
      asked.push(dialog.message());
      void dialog.dismiss();
    });
    await page.getByRole("link", { name: "Git" }).click();
    await expect.poll(() => asked.length, UNTIL).toBe(1);
    expect(asked[0]).toContain(`${PYTHON_FILE} has unsaved changes`);
    expect(new URL(page.url()).pathname).toBe(`/projects/${project.id}`);
    expect(await editorText(page)).toContain(`${MARK} twice`);

    // Opening another file asks too.
    page.once("dialog", (dialog) => {
      asked.push(dialog.message());
      void dialog.dismiss();
    });
    await treeItem(page, "README.md").click();
    await expect.poll(() => asked.length, UNTIL).toBe(2);
    expect(await page.getByTestId("editor-file").textContent()).toContain(PYTHON_FILE);

    // Accepting leaves (here for the dashboard), and the edit was never written.
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("link", { name: "Dashboard", exact: true }).click();
    await page.waitForURL(`${stack.url}/`);
    expect(readFileSync(path.join(dir, PYTHON_FILE), "utf8")).not.toContain(`${MARK} twice`);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("follows changes made elsewhere and explains a save that would overwrite one", async () => {
    const { page, errors, context } = await openApp(browser, stack, {
      path: `/projects/${project.id}?file=${encodeURIComponent(PYTHON_FILE)}`,
    });
    await expect.poll(() => editorText(page), UNTIL).toContain(MARK);
    const put = (file: string, content: string) =>
      stack.json(`/api/v1/projects/${project.id}/files/${file}`, {
        method: "PUT",
        body: JSON.stringify({ content }),
      });

    // Another writer (here the REST API): the tree shows the new file, the open file reloads.
    await put("notes.md", "# Notes\n");
    await treeItem(page, "notes.md").waitFor();
    const elsewhere = `${readFileSync(path.join(dir, PYTHON_FILE), "utf8")}\n# changed elsewhere\n`;
    await put(PYTHON_FILE, elsewhere);
    await expect.poll(() => editorText(page), UNTIL).toContain("# changed elsewhere");

    // A change on disk the editor did not see: saving is refused and explained.
    await page.locator(".ace_content").click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type("# mine");
    writeFileSync(path.join(dir, PYTHON_FILE), "# written behind the editor's back\n");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    const alert = page.getByRole("alert").filter({ hasText: "changed on disk" });
    await alert.waitFor();
    expect(await alert.textContent()).toContain("changed since it was read");
    await screenshot(page, "2-project-conflict");
    expect(readFileSync(path.join(dir, PYTHON_FILE), "utf8")).toBe("# written behind the editor's back\n");

    // Overwrite keeps the editor's text.
    await alert.getByRole("button", { name: "Overwrite with mine" }).click();
    await expect.poll(() => page.getByTestId("editor-status").textContent(), UNTIL).toMatch(/^Saved/);
    expect(readFileSync(path.join(dir, PYTHON_FILE), "utf8")).toBe(`${elsewhere}# mine`);
    expect(await page.getByRole("alert").count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("shows the app's logs, the newest first loaded then live, and holds them still when paused", async () => {
    const { status } = await stack.json<{ status: RuntimeStatus }>(`/api/v1/projects/${project.id}/runtime/start`, {
      method: "POST",
      body: "{}",
    });
    expect(status.state).toBe("running");
    const generate = () =>
      fetch(`${status.url}/generate`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ input_message: "hello" }),
      });
    try {
      const { page, errors, context } = await openApp(browser, stack, { path: `/projects/${project.id}` });
      await page.getByRole("tab", { name: "App logs" }).click();
      const log = page.getByRole("log", { name: "App logs" });
      const requests = log.locator(".line", { hasText: "POST /generate" });
      // The lines of the app's start were there before the page: they come from runtime/logs.
      await log.locator(".line").first().waitFor();
      expect(await requests.count()).toBe(0);

      // A request to the app is an access-log line, arriving as a runtime.log event.
      expect((await generate()).status).toBe(200);
      await expect.poll(() => requests.count(), UNTIL).toBe(1);

      // Paused, new lines wait (and are counted); Follow shows them.
      await page.getByRole("button", { name: "Pause" }).click();
      expect((await generate()).status).toBe(200);
      await page.getByText(/^\d+ new$/).waitFor();
      expect(await requests.count()).toBe(1);
      await screenshot(page, "2-project-logs");
      await page.getByRole("button", { name: "Follow" }).click();
      await expect.poll(() => requests.count(), UNTIL).toBe(2);
      expect(errors).toEqual([]);
      await context.close();
    } finally {
      await stack.api(`/api/v1/projects/${project.id}/runtime/stop`, { method: "POST", body: "{}" });
    }
  });

  it("is usable at phone size in the dark theme", async () => {
    const { page, errors, context } = await openApp(browser, stack, {
      viewport: PHONE,
      colorScheme: "dark",
      path: `/projects/${project.id}?file=${encodeURIComponent(PYTHON_FILE)}`,
    });
    await expect.poll(() => editorText(page), UNTIL).toContain(MARK);
    expect(await page.locator(".ace_editor").getAttribute("class")).toMatch(/ace-cloud_editor_dark/);
    await page.getByLabel("Command").fill("echo phone");
    await page.getByLabel("Command").press("Enter");
    await expect.poll(() => page.getByTestId("terminal-status").textContent(), UNTIL).toMatch(/exit 0/);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, "2-project-phone-dark");
    expect(errors).toEqual([]);
    await context.close();
  });
});
