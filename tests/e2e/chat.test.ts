/**
 * The Chat view in real Chromium against wrangler dev, a real agent and a real
 * `nat serve` of the chatbot template (NAT's offline test LLM). App mode: the
 * answer streams in over NAT's WebSocket (runtime.chat.delta events) with its
 * intermediate steps, an HTTP transport answers too, and the conversation
 * survives switching tabs. ATT mode: a plain request becomes a plan of ATT
 * operations that creates a second project and runs its app, and a tool of a
 * real MCP server registered with the hub is listed and called by name.
 */

import { cpSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { McpServer, RuntimeStatus, StoredEvent } from "@att/shared";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { type AppPage, launchBrowser, openApp, PHONE, screenshot } from "../support/browser.ts";
import { McpFixtureServer } from "../support/mcp-fixture-server.ts";
import { repoRoot, Stack } from "../support/stack.ts";

const NAME = "chat_bot";
const ANSWER = `Hello from ${NAME}! I am NAT's offline test LLM; see README.md to use a real model.`;
/** The name ATT mode chooses for a chatbot project when the request names none. */
const SECOND = "chatbot_app";
/** A real NAT workflow (a test plugin) that streams, or asks the human for "ask:<HumanPrompt JSON>". */
const PLUGIN = path.join(repoRoot, "agent", "test", "fixtures", "nat-chat", "plugin");
/** NAT loads its workflow slowly on a shared two-core machine. */
const NAT_MS = 170_000;

let stack: Stack;
let browser: Browser;
let projectId: string;

const post = (pathname: string, body: unknown = {}) =>
  stack.api(pathname, { method: "POST", body: JSON.stringify(body) });

beforeAll(async () => {
  stack = await Stack.startLinkedWithNat();
  ({
    project: { id: projectId },
  } = await stack.json<{ project: { id: string } }>("/api/v1/projects", {
    method: "POST",
    body: JSON.stringify({ name: NAME, template: "chatbot" }),
  }));
  const started = await post(`/api/v1/projects/${projectId}/runtime/start`);
  const body = await started.text();
  expect(started.status, body).toBe(200);
  expect((JSON.parse(body) as { status: RuntimeStatus }).status.state).toBe("running");
  browser = await launchBrowser();
}, 900_000);

afterAll(async () => {
  await browser?.close();
  if (stack !== undefined) {
    // One app runs at a time, so all but one of these are stopped already (409).
    const { projects } = await stack.json<{ projects: { id: string }[] }>("/api/v1/projects");
    for (const project of projects) await post(`/api/v1/projects/${project.id}/runtime/stop`);
    await stack.dispose();
  }
});

const runtimeState = async (id: string) =>
  (await stack.json<{ status: RuntimeStatus }>(`/api/v1/projects/${id}/runtime/status`)).status.state;

/** Opens the project's Chat view; a failing scenario leaves a picture of the page in .cache/screenshots. */
async function openChat(options: Parameters<typeof openApp>[2] = {}, id = projectId): Promise<AppPage> {
  const app = await openApp(browser, stack, { path: `/projects/${id}/chat`, ...options });
  onTestFailed(async ({ task }) => {
    const name = `failed-chat-${task.name.replace(/\W+/g, "-")}.png`;
    await app.page.screenshot({ path: path.join(repoRoot, ".cache", "screenshots", name) }).catch(() => undefined);
  });
  return app;
}

async function send(page: Page, text: string): Promise<void> {
  await page.getByLabel("Message to the app").fill(text);
  await page.getByLabel("Message to the app").press("Enter");
}

describe("chat with the running NAT app", () => {
  it("streams the answer over the WebSocket with its intermediate steps", async () => {
    const { page, errors, context } = await openChat();
    await page.getByTestId("runtime-running").waitFor();
    expect(await page.getByLabel("Transport").inputValue()).toBe("websocket");
    await send(page, "hello");
    expect(await page.getByLabel("Message to the app").inputValue()).toBe("");
    await page.getByTestId("user-message").getByText("hello").waitFor();

    const message = page.getByTestId("app-message").last();
    await message.and(page.locator('[data-status="done"]')).waitFor({ timeout: NAT_MS });
    expect(await message.getByTestId("answer").textContent()).toBe(ANSWER);
    // Pieces counted only while the exchange ran: the answer streamed in before the final result.
    expect(Number(await message.getAttribute("data-deltas"))).toBeGreaterThan(0);
    const deltas = await stack.eventsOfType(projectId, "runtime.chat.delta", 1);
    expect(deltas.map((e: StoredEvent) => e.payload.text).join("")).toBe(ANSWER);

    await message.getByText("Intermediate steps").click();
    const steps = message.getByTestId("step");
    expect(await steps.count()).toBeGreaterThan(1);
    // NAT's chat_completion workflow reports itself as a function: its start and its end.
    expect(await message.getByTestId("steps-panel").textContent()).toMatch(/FUNCTION_START[\s\S]*FUNCTION_END/);
    await steps.filter({ hasText: "FUNCTION_END" }).first().locator("summary").first().click();
    await message.locator("pre.payload").first().waitFor();
    await screenshot(page, "7-chat");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("answers over HTTP too and keeps the conversation across tabs until a new one starts", async () => {
    const { page, errors, context } = await openChat();
    await page.getByTestId("runtime-running").waitFor();
    await page.getByLabel("Transport").selectOption("generate");
    await send(page, "and once more over HTTP");
    const message = page.getByTestId("app-message").last();
    await message.and(page.locator('[data-status="done"]')).waitFor({ timeout: NAT_MS });
    expect(await message.textContent()).toContain("via generate");
    expect(await message.getByTestId("answer").textContent()).toBe(ANSWER);

    await page.getByRole("link", { name: "Runtime" }).click();
    await page.waitForURL(/\/runtime$/);
    await page.getByRole("link", { name: "Chat" }).click();
    await page.getByTestId("app-message").first().waitFor();
    // The conversation lives in a module-level store, not in the page component.
    expect(await page.getByTestId("user-message").allTextContents()).toEqual(["You: and once more over HTTP"]);
    expect(await page.getByTestId("answer").textContent()).toBe(ANSWER);
    await page.getByRole("button", { name: "New conversation" }).click();
    expect(await page.getByTestId("app-message").count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe("ATT mode", () => {
  it("says what it does not understand instead of guessing", async () => {
    const { page, errors, context } = await openChat();
    await page.getByRole("radio", { name: /ATT/ }).check();
    await page.getByTestId("att-mode-note").getByText("not an AI model", { exact: false }).waitFor();
    await page.getByLabel("Request for ATT").fill("make it sing");
    await page.getByLabel("Request for ATT").press("Enter");
    const reply = page.getByTestId("att-reply").last();
    // The first request waits for the templates (the agent asks `nat --version`, slow on a busy machine).
    await reply.waitFor({ timeout: 90_000 });
    expect(await reply.getAttribute("data-kind")).toBe("unknown");
    expect(await reply.textContent()).toMatch(
      /did not understand “make it sing”[\s\S]*I understand:[\s\S]*list projects/,
    );
    expect(errors).toEqual([]);
    await context.close();
  });

  it(
    "creates a project from the chatbot template and runs it, as a plan of ATT operations",
    async () => {
      const { page, errors, context } = await openChat();
      // The mode is remembered while navigating; this is a fresh page, so App again.
      await page.getByRole("radio", { name: /ATT/ }).check();
      await page.getByLabel("Request for ATT").fill("create a project from the chatbot template and run it");
      await page.getByRole("button", { name: "Run", exact: true }).click();
      const plan = page.getByTestId("att-plan").last();
      const steps = plan.getByTestId("plan-step");
      await steps.first().waitFor();
      expect(await steps.count()).toBe(2);
      expect(await steps.nth(0).textContent()).toContain(`Create project ${SECOND} from the chatbot template`);
      expect(await steps.nth(0).textContent()).toContain("projects.create");
      expect(await steps.nth(1).textContent()).toContain("runtime.start");
      await plan.and(page.locator('[data-state="done"]')).waitFor({ timeout: NAT_MS });
      expect(await steps.evaluateAll((items) => items.map((item) => item.getAttribute("data-status")))).toEqual([
        "succeeded",
        "succeeded",
      ]);
      expect(await steps.nth(1).textContent()).toMatch(
        new RegExp(`${SECOND}'s app is running at http://127\\.0\\.0\\.1:\\d+`),
      );
      await screenshot(page, "7-chat-att");

      const created = await stack.projectNamed(SECOND);
      expect(await runtimeState(created.id)).toBe("running");
      // One app runs at a time: the first project's app was stopped, and App mode says so.
      expect(await runtimeState(projectId)).toBe("stopped");
      await page.getByRole("radio", { name: /App/ }).check();
      await page.getByTestId("runtime-not-running").waitFor();
      expect(await page.getByRole("button", { name: "Start the app" }).isEnabled()).toBe(true);
      // With a message written, Send is still refused, and its title says why (not just an empty draft).
      await page.getByLabel("Message to the app").fill("hello");
      const send = page.getByRole("button", { name: "Send" });
      expect(await send.isDisabled()).toBe(true);
      expect(await send.getAttribute("title")).toBe("Start the app first");
      expect(errors).toEqual([]);
      await context.close();
    },
    NAT_MS + 60_000,
  );

  it("is usable at phone size in the dark theme", async () => {
    const { page, errors, context } = await openChat({ viewport: PHONE, colorScheme: "dark" });
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await page.getByLabel("Transport").waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.getByRole("radio", { name: /ATT/ }).check();
    await page.getByTestId("att-mode-note").waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, "7-chat-phone-dark");
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe("ATT mode and the MCP client hub", () => {
  const fixture = new McpFixtureServer();
  const SERVER = "hub_fixture";

  beforeAll(async () => {
    await fixture.start();
    const response = await post("/api/v1/mcp/servers", { name: SERVER, url: fixture.url });
    expect(response.status, await response.clone().text()).toBe(201);
    expect(((await response.json()) as McpServer).status).toBe("healthy");
  });

  afterAll(() => fixture.stop());

  /** Sends a request in ATT mode and returns the entry ATT answers with (the n-th plan or reply). */
  async function ask(page: Page, text: string, testId: "att-plan" | "att-reply", n: number) {
    await page.getByLabel("Request for ATT").fill(text);
    await page.getByLabel("Request for ATT").press("Enter");
    const entry = page.getByTestId(testId).nth(n);
    const finished =
      testId === "att-plan" ? entry.and(page.locator('[data-state="done"], [data-state="failed"]')) : entry;
    // The first request waits for the templates (the agent asks `nat --version`, slow on a busy machine).
    await finished.waitFor({ timeout: 90_000 });
    return entry;
  }

  it("lists the hub's tools and calls one by name, showing its answer and the server that gave it", async () => {
    const { page, errors, context } = await openChat();
    await page.getByRole("radio", { name: /ATT/ }).check();
    await page.getByTestId("att-mode-note").getByText("MCP servers registered in Settings", { exact: false }).waitFor();
    await page.getByText("What I understand").click();
    await page.getByRole("button", { name: "list mcp tools" }).waitFor();
    await page.getByRole("button", { name: 'call echo with {"text": "hi"}' }).waitFor();

    const list = await ask(page, "list mcp tools", "att-plan", 0);
    expect(await list.getAttribute("data-state")).toBe("done");
    const listed = list.getByTestId("plan-step");
    expect(await listed.textContent()).toContain("mcp.servers");
    expect(await listed.textContent()).toContain("1 MCP server offering 2 tools:");
    const line = listed.locator("li", { hasText: `${SERVER} (streamable-http): add, echo` });
    expect(await line.locator("[data-status]").getAttribute("data-status")).toBe("healthy");

    const called = await ask(page, 'call echo with {"text":"hello hub"}', "att-plan", 1);
    expect(await called.getAttribute("data-state")).toBe("done");
    const step = called.getByTestId("plan-step");
    expect(await step.getAttribute("data-status")).toBe("succeeded");
    expect(await step.textContent()).toContain('Call the MCP tool echo with {"text":"hello hub"}');
    expect(await step.textContent()).toContain(`echo answered by ${SERVER} (streamable-http).`);
    expect(await step.getByTestId("step-output").textContent()).toBe("hello hub");
    await step.getByTestId("step-output").scrollIntoViewIfNeeded();
    await screenshot(page, "7-chat-att-mcp");

    // A tool no server lists is refused before anything is called.
    const refused = await ask(page, "call nope", "att-reply", 0);
    expect(await refused.getAttribute("data-kind")).toBe("invalid");
    expect(await refused.textContent()).toContain("No registered MCP server offers a tool “nope”. Tools: add, echo.");

    // With the only server down, the call fails, and the server tried says why.
    await fixture.stop();
    try {
      const failed = await ask(page, 'call echo with {"text":"anyone?"}', "att-plan", 2);
      expect(await failed.getAttribute("data-state")).toBe("failed");
      const failedStep = failed.getByTestId("plan-step");
      expect(await failedStep.textContent()).toContain("The call of echo failed on every server tried (1):");
      expect(await failedStep.textContent()).toMatch(
        new RegExp(`${SERVER} \\(streamable-http, was \\w+\\) failed after \\d+ ms: [^\\n]*connection refused`),
      );
      expect(await failedStep.getByTestId("step-output").count()).toBe(0);
    } finally {
      await fixture.start(fixture.port);
    }
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe("questions of the workflow (HITL), answered in place", () => {
  let hitlId: string;

  beforeAll(async () => {
    const { project } = await stack.json<{ project: { id: string; path: string } }>("/api/v1/projects", {
      method: "POST",
      body: JSON.stringify({ name: "hitl_app" }),
    });
    hitlId = project.id;
    cpSync(PLUGIN, path.join(project.path, "nat_plugin"), { recursive: true });
    writeFileSync(
      path.join(project.path, ".env"),
      `PYTHONPATH=${path.join(project.path, "nat_plugin")}\nPYTHONDONTWRITEBYTECODE=1\n`,
    );
    writeFileSync(path.join(project.path, "chat.yml"), "workflow:\n  _type: att_chat_fixture\n");
    const started = await post(`/api/v1/projects/${hitlId}/runtime/start`, { configPath: "chat.yml" });
    expect(started.status, await started.text()).toBe(200);
  }, NAT_MS);

  it("shows the question with its countdown and takes the answer from a button and from the text box", async () => {
    const { page, errors, context } = await openChat({}, hitlId);
    await page.getByTestId("runtime-running").waitFor();
    const choice = {
      input_type: "binary_choice",
      text: "Deploy **release 3** to production?",
      timeout: 300,
      options: [
        { id: "yes", label: "Yes", value: "go" },
        { id: "no", label: "No", value: "stop" },
      ],
    };
    await send(page, `ask:${JSON.stringify(choice)}`);
    const first = page.getByTestId("app-message").last();
    const question = first.getByTestId("hitl-prompt");
    await question.and(page.locator('[data-state="open"]')).waitFor({ timeout: 60_000 });
    // The text streamed before the question is already shown, and the exchange waits.
    expect((await first.getByTestId("answer").textContent())?.trim()).toBe("Asking.");
    expect(await question.locator("strong", { hasText: "release 3" }).count()).toBe(1);
    expect(await first.getAttribute("data-status")).toBe("streaming");
    expect(await question.getByRole("timer").textContent()).toMatch(/^\d+ s left$/);
    await screenshot(page, "7-chat-hitl");
    await question.getByRole("button", { name: "Yes" }).click();
    await first.and(page.locator('[data-status="done"]')).waitFor({ timeout: 60_000 });
    expect(await first.getByTestId("answer").textContent()).toBe("Asking. You answered: go");
    expect(await question.getAttribute("data-state")).toBe("answered");

    const text = { input_type: "text", text: "What should the release be called?", placeholder: "a name" };
    await send(page, `ask:${JSON.stringify(text)}`);
    const second = page.getByTestId("app-message").last();
    const ask = second.getByTestId("hitl-prompt");
    await ask.and(page.locator('[data-state="open"]')).waitFor({ timeout: 60_000 });
    await ask.getByLabel("Your answer").fill("spring");
    await ask.getByRole("button", { name: "Answer" }).click();
    await second.and(page.locator('[data-status="done"]')).waitFor({ timeout: 60_000 });
    expect(await second.getByTestId("answer").textContent()).toBe("Asking. You answered: spring");
    expect(await ask.textContent()).toContain("You answered: spring");
    expect(errors).toEqual([]);
    await context.close();
  });
});
