/**
 * The Workflows view in real Chromium against wrangler dev, a real agent and
 * real git: a workflow started over REST appears live, waits for an approval
 * given in the UI, then runs a real `terminal.run` whose result the timeline
 * shows; a self change typed into the form (starting from the file's current
 * text) goes through tests, a pull request, the local provider's real CI and
 * a real merge; a rejection fails a workflow while its clean-up still runs;
 * a waiting delay counts down and is cancelled; and the view fits a phone.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Project, Workflow, WorkflowStepInput } from "@att/shared";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppPage, launchBrowser, openApp, PHONE, screenshot } from "../support/browser.ts";
import { Stack } from "../support/stack.ts";

/** UI updates follow agent round trips and events: give them time on a busy machine. */
const POLL = { timeout: 30_000, interval: 100 };
/** A self change waits for the local CI (polled every 10 s by default) besides its own steps. */
const SELF_CHANGE_POLL = { timeout: 150_000, interval: 250 };

const README = "# Self demo\n";
const CHANGED_README = "# Self demo\n\nChanged from the Workflows view.\n";

describe("workflows view", () => {
  let stack: Stack;
  let browser: Browser;
  let project: Project;

  beforeAll(async () => {
    stack = await Stack.start();
    await stack.startLinkedAgent();
    browser = await launchBrowser();
    ({ project } = await stack.json<{ project: Project }>("/api/v1/projects", {
      method: "POST",
      body: JSON.stringify({ name: "workflows_demo", template: "empty" }),
    }));
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.dispose();
  });

  const sh = (id: string, command: string, extra: Partial<WorkflowStepInput> = {}): WorkflowStepInput => ({
    id,
    action: { type: "call", method: "terminal.run", params: { projectId: project.id, command } },
    ...extra,
  });

  async function start(body: { name: string; steps: WorkflowStepInput[] }): Promise<Workflow> {
    return stack.json<Workflow>("/api/v1/workflows", {
      method: "POST",
      body: JSON.stringify({ projectId: project.id, ...body }),
    });
  }

  /** The page, signed in, once its event stream is live (a workflow started before that would be missed). */
  async function open(projectId: string, options: Parameters<typeof openApp>[2] = {}): Promise<AppPage> {
    const app = await openApp(browser, stack, { path: `/projects/${projectId}/workflows`, ...options });
    await expect.poll(() => app.page.getByTestId("stream-state").textContent(), POLL).toBe("events live");
    return app;
  }

  const detail = (page: Page) => page.getByTestId("workflow-detail");
  const step = (page: Page, id: string) => detail(page).locator(`[data-testid="workflow-step"][data-step-id="${id}"]`);
  const stepStatuses = (page: Page) =>
    detail(page)
      .getByTestId("workflow-step")
      .evaluateAll((items) => Object.fromEntries(items.map((item) => [item.dataset.stepId, item.dataset.status])));
  const select = (page: Page, workflowId: string) =>
    page.locator(`[data-testid="workflow-entry"][data-workflow-id="${workflowId}"]`).click();

  it("follows a workflow started over REST live, and an approval in the UI lets it finish", async () => {
    const { page, errors, context } = await open(project.id);
    await page.getByText("No workflows yet").waitFor();

    const workflow = await start({
      name: "approve, then greet",
      steps: [
        { id: "review", name: "A human says yes", action: { type: "approval", prompt: "Greet the world?" } },
        sh("greet", "echo hello-from-workflow", { name: "Greet" }),
      ],
    });
    // It appears without a reload, and is selected since nothing else was.
    await expect.poll(() => detail(page).getAttribute("data-workflow-id"), POLL).toBe(workflow.id);
    await expect.poll(() => step(page, "review").getAttribute("data-status"), POLL).toBe("waiting");
    expect(await step(page, "greet").getAttribute("data-status")).toBe("pending");
    expect(await page.getByTestId("approval-prompt").textContent()).toBe("Greet the world?");
    expect(await step(page, "review").getByTestId("step-wait").textContent()).toBe("waits for your decision");
    const entry = page.getByTestId("workflow-entry").first();
    expect(await entry.textContent()).toContain("approve, then greet");
    expect(await entry.textContent()).toContain("Custom");

    await page.getByTestId("approval").getByRole("button", { name: "Approve" }).click();
    await expect.poll(() => detail(page).getAttribute("data-status"), POLL).toBe("succeeded");
    expect(await stepStatuses(page)).toEqual({ review: "succeeded", greet: "succeeded" });
    expect(await entry.getAttribute("data-status")).toBe("succeeded");
    await page.getByTestId("approval").waitFor({ state: "detached" });

    const greet = step(page, "greet");
    expect(await greet.getByTestId("step-method").textContent()).toBe("terminal.run");
    expect(await greet.getByTestId("step-attempt").textContent()).toBe("attempt 1");
    // The result is collapsed until asked for.
    const result = greet.getByTestId("json-result");
    expect(await result.locator("pre").count()).toBe(0);
    await result.locator("summary").click();
    expect(await result.locator("pre").textContent()).toContain("hello-from-workflow");
    const review = step(page, "review").getByTestId("json-result");
    await review.locator("summary").click();
    expect(await review.locator("pre").textContent()).toContain('"approved": true');

    const stored = await stack.json<Workflow>(`/api/v1/workflows/${workflow.id}`);
    expect(stored.steps[0]?.result).toMatchObject({ approved: true, by: "user:admin", comment: null });
    await screenshot(page, "9-workflows");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("carries a self change typed into the form through tests, a pull request, CI and a merge", async () => {
    const dir = path.join(stack.projectsDir, "self_demo");
    mkdirSync(dir);
    const git = (...args: string[]) => execFileSync("git", ["-C", dir, ...args], { encoding: "utf8" }).trim();
    git("init", "--quiet", "-b", "main");
    git("config", "user.name", "Workflows e2e");
    git("config", "user.email", "workflows-e2e@att.invalid");
    writeFileSync(
      path.join(dir, "package.json"),
      `${JSON.stringify({ name: "self-demo", private: true, scripts: { test: 'node -e ""' } }, null, 2)}\n`,
    );
    writeFileSync(path.join(dir, "README.md"), README);
    git("add", "package.json", "README.md");
    git("commit", "--quiet", "-m", "Start");
    const before = git("rev-parse", "main");
    const self = await stack.projectNamed("self_demo");

    const { page, errors, context } = await open(self.id);
    const form = page.getByTestId("self-change");
    await form.getByRole("heading", { name: "Change ATT" }).click();
    // Nothing typed yet: the form says what is missing and sends nothing.
    await form.getByRole("button", { name: "Start the change" }).click();
    const problems = form.getByRole("alert");
    await problems.waitFor();
    expect(await problems.textContent()).toContain("Give the change a title.");

    await form.getByLabel("Title").fill("Docs: a line from the Workflows view");
    await form.getByLabel("Description").fill("Typed into ATT's own form.");
    await form.getByLabel("Path of file 1").fill("README.md");
    await form.getByRole("button", { name: "Load current" }).click();
    const content = form.getByLabel("Content of file 1");
    await expect.poll(() => content.inputValue(), POLL).toBe(README);
    await content.fill(CHANGED_README);
    await form.getByLabel("Restart ATT on the merged version").uncheck();
    await form.getByRole("button", { name: "Start the change" }).click();

    // The new workflow is selected and followed live to its end.
    await expect.poll(() => detail(page).getAttribute("data-status"), POLL).toMatch(/queued|running|succeeded/);
    expect(await detail(page).textContent()).toContain("Self change");
    await expect.poll(() => detail(page).getAttribute("data-status"), SELF_CHANGE_POLL).toBe("succeeded");
    const workflowId = await detail(page).getAttribute("data-workflow-id");
    expect(await stepStatuses(page)).toEqual({
      plan: "succeeded",
      branch: "succeeded",
      "edit-1": "succeeded",
      commit: "succeeded",
      tests: "succeeded",
      refuse: "skipped",
      push: "skipped",
      pr: "succeeded",
      ci: "succeeded",
      review: "skipped",
      merge: "succeeded",
      "checkout-base": "succeeded",
    });
    expect(await step(page, "ci").getByTestId("step-method").textContent()).toBe("self.pullRequest");
    const merge = step(page, "merge").getByTestId("json-result");
    await merge.locator("summary").click();
    expect(await merge.locator("pre").textContent()).toContain('"mergeCommit"');

    // For real: main has the merge of the change's branch, and the working tree is back on main.
    const workflow = await stack.json<Workflow>(`/api/v1/workflows/${workflowId}`);
    const merged = workflow.steps.find((s) => s.id === "merge")?.result as { pullRequest: { mergeCommit: string } };
    expect(git("rev-parse", "main")).toBe(merged.pullRequest.mergeCommit);
    expect(git("log", "-1", "--format=%P", "main").split(" ")).toHaveLength(2);
    expect(git("rev-parse", "main^1")).toBe(before);
    expect(git("log", "-1", "--format=%s", "main^2")).toBe("Docs: a line from the Workflows view");
    expect(git("branch", "--show-current")).toBe("main");
    expect(readFileSync(path.join(dir, "README.md"), "utf8")).toBe(CHANGED_README);
    // The form closed once the change started; the plan said why review was skipped.
    expect(await form.getAttribute("open")).toBeNull();
    expect(await step(page, "review").getByTestId("skip-reason").textContent()).toMatch(/^Skipped: .+/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, "9-workflows-self-change");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("rejects a waiting step with a comment: the workflow fails and its clean-up still runs", async () => {
    // Started and waiting before the page opens: its prompt comes from the stored events, not the stream.
    const workflow = await start({
      name: "ship on a Friday",
      steps: [
        { id: "review", action: { type: "approval", prompt: "Ship on a Friday afternoon?" } },
        sh("ship", "touch shipped.txt"),
        sh("cleanup", "touch cleaned.txt", { runWhen: "always" }),
      ],
    });
    await expect
      .poll(async () => (await stack.json<Workflow>(`/api/v1/workflows/${workflow.id}`)).steps[0]?.status, POLL)
      .toBe("waiting");
    const { page, errors, context } = await open(project.id);
    const entry = page.locator(`[data-testid="workflow-entry"][data-workflow-id="${workflow.id}"]`);
    // The newest is selected on arrival.
    await expect.poll(() => detail(page).getAttribute("data-workflow-id"), POLL).toBe(workflow.id);
    expect(await entry.getAttribute("aria-current")).toBe("true");
    await expect
      .poll(() => page.getByTestId("approval-prompt").textContent(), POLL)
      .toBe("Ship on a Friday afternoon?");
    await page.getByTestId("approval").getByLabel("Comment (optional)").fill("not on a Friday");
    await page.getByTestId("approval").getByRole("button", { name: "Reject" }).click();

    await expect.poll(() => detail(page).getAttribute("data-status"), POLL).toBe("failed");
    await expect
      .poll(() => stepStatuses(page), POLL)
      .toEqual({
        review: "failed",
        ship: "skipped",
        cleanup: "succeeded",
      });
    const failure = await page.getByTestId("workflow-error").textContent();
    expect(failure).toContain("rejected");
    expect(failure).toContain("not on a Friday");
    expect(await step(page, "review").getByTestId("step-error").textContent()).toContain("rejected by user:admin");
    expect(existsSync(path.join(project.path, "shipped.txt"))).toBe(false);
    expect(existsSync(path.join(project.path, "cleaned.txt"))).toBe(true);
    expect(await entry.getAttribute("data-status")).toBe("failed");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("counts down a waiting delay and cancels the workflow", async () => {
    const { page, errors, context } = await open(project.id);
    const workflow = await start({
      name: "wait ten minutes",
      steps: [{ id: "pause", action: { type: "delay", ms: 600_000 } }, sh("after", "true")],
    });
    await page.locator(`[data-testid="workflow-entry"][data-workflow-id="${workflow.id}"]`).waitFor();
    await select(page, workflow.id);
    const wait = step(page, "pause").getByTestId("step-wait");
    await expect.poll(() => wait.textContent(), POLL).toMatch(/^resumes in (9|10) min \d+ s$/);
    // It ticks: the time left shrinks while the page is open.
    const first = Number(await wait.getAttribute("data-next-in"));
    await expect.poll(async () => Number(await wait.getAttribute("data-next-in")), POLL).toBeLessThan(first);

    await detail(page).getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => detail(page).getAttribute("data-status"), POLL).toBe("cancelled");
    expect(await stepStatuses(page)).toEqual({ pause: "cancelled", after: "skipped" });
    expect(await detail(page).getByRole("button", { name: "Cancel" }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("fits a phone in the dark theme, form open", async () => {
    const { page, errors, context } = await open(project.id, { viewport: PHONE, colorScheme: "dark" });
    await page.getByTestId("workflow-entry").first().waitFor();
    await page.getByTestId("workflow-detail").waitFor();
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, "9-workflows-phone-dark");
    await page.getByTestId("self-change").getByRole("heading", { name: "Change ATT" }).click();
    await page.getByTestId("self-change").getByLabel("Path of file 1").fill("a/rather/long/path/to/some/file.md");
    expect(await overflow()).toBeLessThanOrEqual(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("disables what needs the agent, saying why, when it goes away", async () => {
    const { page, errors, context } = await open(project.id);
    const form = page.getByTestId("self-change");
    await form.getByRole("heading", { name: "Change ATT" }).click();
    const send = form.getByRole("button", { name: "Start the change" });
    expect(await send.isDisabled()).toBe(false);
    await stack.stopAgents();
    await expect.poll(() => send.isDisabled(), POLL).toBe(true);
    expect(await send.getAttribute("title")).toContain("agent is not connected");
    expect(await form.getByRole("button", { name: "Load current" }).isDisabled()).toBe(true);
    // The workflows live in the control plane: still listed.
    expect(await page.getByTestId("workflow-entry").count()).toBeGreaterThanOrEqual(3);
    expect(errors).toEqual([]);
    await context.close();
  });
});
