/**
 * The Git view in real Chromium against wrangler dev, a real agent and real
 * git: a change made on disk shows up unstaged with its diff (unified and side
 * by side), is staged and committed from the UI (checked with `git log`), a
 * branch is created and switched, a pull request to main is opened with the
 * local provider, its CI (the project's .att/ci.json) passes, it gets a review
 * comment and is merged, for real, into main.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Project } from "@att/shared";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, openApp, PHONE, screenshot } from "../support/browser.ts";
import { Stack } from "../support/stack.ts";

/** UI updates follow agent round trips and events: give them time on a busy machine. */
const POLL = { timeout: 20_000, interval: 100 };

describe("git view", () => {
  let stack: Stack;
  let browser: Browser;
  let project: Project;
  let dir: string;
  const git = (...args: string[]) => execFileSync("git", ["-C", dir, ...args], { encoding: "utf8" }).trim();

  beforeAll(async () => {
    stack = await Stack.start();
    await stack.startLinkedAgent();
    browser = await launchBrowser();
    ({ project } = await stack.json<{ project: Project }>("/api/v1/projects", {
      method: "POST",
      body: JSON.stringify({ name: "git_demo", template: "empty" }),
    }));
    dir = path.join(stack.projectsDir, "git_demo");
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.dispose();
  });

  const changes = (page: Page) => page.getByRole("region", { name: "Changes" });
  const currentBranch = (page: Page) => page.getByTestId("current-branch");

  it("stages and commits a change made on disk, after showing its diff both ways", async () => {
    appendFileSync(path.join(dir, "README.md"), "\nGreeting: hello from the git view\n");
    mkdirSync(path.join(dir, ".att"));
    // The local provider's CI runs this on the pull request's head.
    writeFileSync(
      path.join(dir, ".att", "ci.json"),
      JSON.stringify({ command: ["grep", "-q", "Greeting", "README.md"] }),
    );

    const { page, errors, context } = await openApp(browser, stack, { path: `/projects/${project.id}/git` });
    const unstaged = changes(page).getByRole("list", { name: "Unstaged files" });
    await unstaged.getByText("README.md").waitFor();
    expect(await unstaged.getByText(".att/").isVisible()).toBe(true);

    const unified = page.getByRole("table", { name: "Diff of README.md, unified" });
    await unified.getByText("Greeting: hello from the git view").waitFor();
    expect(await unified.locator("tr.add").count()).toBeGreaterThan(0);
    await page.getByRole("button", { name: "Side by side" }).click();
    const split = page.getByRole("table", { name: "Diff of README.md, side by side" });
    await split.getByText("Greeting: hello from the git view").waitFor();
    expect(await page.getByRole("button", { name: "Side by side" }).getAttribute("aria-pressed")).toBe("true");

    await page.getByRole("button", { name: "Stage README.md" }).click();
    await page.getByRole("button", { name: "Stage .att/" }).click();
    const staged = changes(page).getByRole("list", { name: "Staged files" });
    await staged.getByText(".att/ci.json").waitFor();
    expect(await staged.getByText("README.md").isVisible()).toBe(true);
    expect(git("diff", "--cached", "--name-only").split("\n").sort()).toEqual([".att/ci.json", "README.md"]);

    // A large file starts collapsed and, opened, renders its first rows only.
    const big = Array.from({ length: 3000 }, (_, i) => `line ${i + 1}`).join("\n");
    writeFileSync(path.join(dir, "big.txt"), `${big}\n`);
    await changes(page).getByRole("button", { name: "Refresh" }).click();
    await page.getByRole("button", { name: "Stage big.txt" }).click();
    await staged.getByText("big.txt").waitFor();
    await page.getByLabel("Compare").selectOption("staged");
    const expand = page.getByRole("button", { name: "Show 3001 lines of big.txt" });
    await expand.waitFor();
    await expand.click();
    const bigTable = page.getByRole("table", { name: "Diff of big.txt, side by side" });
    // Screen readers hear which lines were added (the + sign is only visual).
    await bigTable.getByRole("cell", { name: "added: line 1", exact: true }).waitFor();
    expect(await bigTable.locator("tr").count()).toBe(1500);
    await page.getByRole("button", { name: "Show all rows" }).click();
    await bigTable.getByRole("cell", { name: "added: line 3000", exact: true }).waitFor();

    // An empty message is the server's 400, shown as it said it.
    await changes(page).getByRole("button", { name: "Commit" }).click();
    const alert = changes(page).getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toContain("commit message is empty");

    await page.getByLabel("Commit message").fill("Add a greeting and CI");
    await changes(page).getByRole("button", { name: "Commit" }).click();
    const log = page.getByTestId("git-log");
    await expect.poll(() => log.getByRole("listitem").first().textContent(), POLL).toContain("Add a greeting and CI");
    await changes(page).getByText("clean").waitFor();
    expect(git("log", "-1", "--format=%s")).toBe("Add a greeting and CI");
    expect(git("status", "--porcelain")).toBe("");
    expect(git("show", "--stat", "--format=", "HEAD")).toContain("big.txt");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("creates and switches branches, says why a push fails, and opens, reviews and merges a PR", async () => {
    const { page, errors, context } = await openApp(browser, stack, { path: `/projects/${project.id}/git` });
    await page.getByLabel("New branch").fill("feature/greeting");
    await page.getByRole("button", { name: "Create & switch" }).click();
    await expect.poll(() => currentBranch(page).textContent(), POLL).toBe("feature/greeting");
    expect(git("branch", "--show-current")).toBe("feature/greeting");

    await page.getByLabel("Switch to").selectOption("main");
    await page.getByRole("button", { name: "Switch", exact: true }).click();
    await expect.poll(() => currentBranch(page).textContent(), POLL).toBe("main");
    expect(git("branch", "--show-current")).toBe("main");

    // A change made meanwhile carries over to the branch it is committed on.
    const readme = path.join(dir, "README.md");
    writeFileSync(
      readme,
      `${readFileSync(readme, "utf8").replace("hello from the git view", "hello, reviewers")}Greeting, second line\n`,
    );
    await page.getByLabel("Switch to").selectOption("feature/greeting");
    await page.getByRole("button", { name: "Switch", exact: true }).click();
    await expect.poll(() => currentBranch(page).textContent(), POLL).toBe("feature/greeting");
    await changes(page).getByRole("list", { name: "Unstaged files" }).getByText("README.md").waitFor();
    await page.getByLabel("Commit message").fill("Greet twice");
    await page.getByLabel("Include every tracked change (commit -a)").check();
    await changes(page).getByRole("button", { name: "Commit" }).click();
    await expect
      .poll(() => page.getByTestId("git-log").getByRole("listitem").first().textContent(), POLL)
      .toContain("Greet twice");
    expect(git("log", "-1", "--format=%s", "feature/greeting")).toBe("Greet twice");

    // There is no remote: the push fails with the agent's message.
    await page.getByRole("button", { name: "Push feature/greeting" }).click();
    const pushError = page.getByRole("region", { name: "Branch" }).getByRole("alert");
    await pushError.waitFor();
    expect(await pushError.textContent()).toContain("no remote named 'origin'");

    const prs = page.getByRole("region", { name: "Pull requests" });
    await prs.getByText("Open a pull request").click();
    await prs.getByLabel("Title").fill("Greet in the README");
    expect(await prs.getByLabel("From branch").inputValue()).toBe("feature/greeting");
    expect(await prs.getByLabel("Into").inputValue()).toBe("main");
    await prs.getByRole("button", { name: "Open pull request" }).click();
    const row = prs.getByTestId("pr-row").filter({ hasText: "Greet in the README" });
    await row.getByText("open", { exact: true }).waitFor();

    const detail = page.getByTestId("pr-detail");
    await row.getByText("CI success").waitFor({ timeout: 60_000 });
    await detail.getByRole("button", { name: /Show the log of CI run/ }).click();
    expect(await detail.getByLabel("CI log").textContent()).toContain("grep -q Greeting README.md");

    await detail.getByRole("textbox", { name: "Comment" }).fill("Reads well.");
    await detail.getByRole("button", { name: "Add review" }).click();
    await detail.getByTestId("review-comment").getByText("Reads well.").waitFor();

    await detail.getByLabel("Merge method").selectOption("merge");
    await detail.getByRole("button", { name: "Merge into main" }).click();
    await row.getByText("merged", { exact: true }).waitFor();
    expect(git("log", "-1", "--format=%s", "main")).toBe("Merge pull request #1 from feature/greeting");
    expect(git("show", "main:README.md")).toContain("Greeting, second line");

    // The screenshot: the merged PR's branch commit, side by side, next to the log.
    await page
      .getByTestId("git-log")
      .getByRole("button", { name: /Greet twice/ })
      .click();
    await page.getByRole("button", { name: "Side by side" }).click();
    await page
      .getByRole("table", { name: "Diff of README.md, side by side" })
      .getByText("Greeting, second line")
      .waitFor();
    await page.getByText("loading…").waitFor({ state: "hidden" });
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, "3-git");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("fits a phone in the dark theme", async () => {
    const { page, errors, context } = await openApp(browser, stack, {
      path: `/projects/${project.id}/git`,
      viewport: PHONE,
      colorScheme: "dark",
    });
    await page.getByTestId("git-log").getByRole("listitem").first().waitFor();
    await page
      .getByTestId("git-log")
      .getByRole("button", { name: /Greet twice/ })
      .click();
    await page.getByRole("table", { name: /Diff of README.md/ }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.evaluate(() => document.getElementById("diff-title")?.scrollIntoView({ block: "start" }));
    await screenshot(page, "3-git-phone-dark");
    expect(errors).toEqual([]);
    await context.close();
  });
});
