/**
 * Security headers, checked for real: the UI document carries its
 * Content-Security-Policy (a <meta> SvelteKit writes with the hash of its one
 * inline script, plus frame-ancestors and the other headers from _headers),
 * and in real Chromium every view works under it (Ace, the terminal, the live
 * event socket, the API docs page) with no violation reported; an injected
 * inline script is refused, proving the collector sees violations. The API's
 * own responses (JSON, errors, MCP relayed from a Durable Object) carry the
 * headers the Worker's middleware sets.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import type { Project } from "@att/shared";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DESKTOP, launchBrowser } from "../support/browser.ts";
import { repoRoot, Stack } from "../support/stack.ts";

const NAME = "csp_bot";
const PYTHON_FILE = `src/${NAME}/register.py`;
/** Ace, xterm and the agent can be slow on a busy machine. */
const UNTIL = { timeout: 20_000 };

interface Violation {
  directive: string;
  blocked: string;
  source: string;
  sample: string;
}

interface Watched {
  context: BrowserContext;
  page: Page;
  /** `securitypolicyviolation` events, from every document the page loaded. */
  violations: Violation[];
  /** Uncaught errors and console errors (Chromium also logs each CSP refusal there). */
  errors: string[];
}

/** A signed-in page that reports every CSP violation to the test, from the first script on. */
async function watch(browser: Browser, url: string): Promise<Watched> {
  const context = await browser.newContext({ viewport: DESKTOP, colorScheme: "light" });
  const violations: Violation[] = [];
  await context.exposeBinding("attReportViolation", (_source, violation: Violation) => {
    violations.push(violation);
  });
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report = (window as unknown as { attReportViolation: (v: Violation) => void }).attReportViolation;
      void report({
        directive: event.effectiveDirective,
        blocked: event.blockedURI,
        source: `${event.sourceFile}:${event.lineNumber}`,
        sample: event.sample,
      });
    });
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      errors.push(`console: ${message.text()}`);
    }
  });
  await page.goto(url);
  return { context, page, violations, errors };
}

/** The directives of a policy, by name. */
function directives(policy: string): Map<string, string[]> {
  const parsed = new Map<string, string[]>();
  for (const part of policy.split(";")) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) parsed.set(name, values);
  }
  return parsed;
}

describe("security headers and content security policy", () => {
  let stack: Stack;
  let browser: Browser;
  let project: Project;

  beforeAll(async () => {
    stack = await Stack.start();
    await stack.startLinkedAgent();
    browser = await launchBrowser();
    ({ project } = await stack.json<{ project: Project }>("/api/v1/projects", {
      method: "POST",
      body: JSON.stringify({ name: NAME, template: "chatbot" }),
    }));
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.dispose();
  });

  it("serves the UI with a hash-based policy and protective headers", async () => {
    for (const pathname of ["/", `/projects/${project.id}/git`]) {
      const response = await fetch(`${stack.url}${pathname}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      // A <meta> policy cannot forbid framing: that one comes as a header.
      expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");

      const html = await response.text();
      const meta = /<meta http-equiv="content-security-policy" content="([^"]+)">/.exec(html)?.[1];
      expect(meta).toBeDefined();
      const policy = directives((meta ?? "").replaceAll("&#39;", "'"));
      expect(policy.get("default-src")).toEqual(["'self'"]);
      expect(policy.get("object-src")).toEqual(["'none'"]);
      expect(policy.get("base-uri")).toEqual(["'self'"]);
      expect(policy.get("form-action")).toEqual(["'self'"]);
      expect(policy.get("connect-src")).toEqual(["'self'"]);
      expect(policy.get("img-src")).toEqual(["'self'", "data:"]);
      // Scripts: this origin and the hash of the page's one inline script, nothing inline or evaluated.
      const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1] ?? "");
      expect(scripts).toHaveLength(1);
      const hash = createHash("sha256")
        .update(scripts[0] ?? "")
        .digest("base64");
      expect(policy.get("script-src")).toEqual(["'self'", `'sha256-${hash}'`]);
      // The policy comes before anything it governs.
      expect(html.indexOf("content-security-policy")).toBeLessThan(html.indexOf("<script"));
      expect(html.indexOf("content-security-policy")).toBeLessThan(html.indexOf('rel="stylesheet"'));
    }
  });

  it("refuses an injected inline script and reports it", async () => {
    const { page, violations, context } = await watch(browser, `${stack.url}/`);
    await page.getByRole("heading", { name: "Sign in to ATT" }).waitFor();
    const ran = await page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "window.injected = true;";
      document.body.append(script);
      return (window as unknown as { injected?: boolean }).injected === true;
    });
    expect(ran).toBe(false);
    await expect.poll(() => violations.map((v) => v.directive)).toContain("script-src-elem");
    await context.close();
  });

  it("runs every view, the editor, the terminal and the event stream without a violation", async () => {
    const base = `${stack.url}/projects/${project.id}`;
    const { page, violations, errors, context } = await watch(
      browser,
      `${base}?file=${encodeURIComponent(PYTHON_FILE)}#token=${stack.userToken}`,
    );

    // Files: Ace (loaded on demand) shows the file.
    await page.getByRole("heading", { name: new RegExp(NAME) }).waitFor();
    await expect.poll(() => page.locator(".ace_content").textContent(), UNTIL).toContain("Registers");
    expect(await page.locator(".ace_editor").getAttribute("class")).toMatch(/ace-cloud_editor/);
    // Ace styles itself with <style> elements it writes: they applied.
    expect(await page.locator(".ace_scroller").evaluate((element) => getComputedStyle(element).position)).toBe(
      "absolute",
    );
    // The live event stream (a WebSocket to this origin) is connected.
    await expect.poll(() => page.getByTestId("stream-state").textContent(), UNTIL).toContain("live");

    // The terminal: xterm.js loads on demand and shows the command's output.
    await page.getByLabel("Command").fill("echo csp-ok");
    await page.getByLabel("Command").press("Enter");
    await expect.poll(() => page.getByTestId("terminal-status").textContent(), UNTIL).toMatch(/exit 0/);
    await expect
      .poll(async () => (await page.locator(".xterm-rows > div").allTextContents()).join("\n"), UNTIL)
      .toMatch(/^csp-ok$/m);
    // So do xterm's (its rows take no pointer events only through the <style> it writes).
    expect(await page.locator(".xterm-rows").evaluate((element) => getComputedStyle(element).pointerEvents)).toBe(
      "none",
    );
    // Outside the docs gallery (these screens are the project view's, shown there already).
    await page.screenshot({ path: path.join(repoRoot, ".cache", "screenshots", "security-csp-project.png") });

    // Every other tab of the project, then the dashboard and settings, through the UI's own links.
    const views: Array<[link: string, heading: string]> = [
      ["Git", "Changes"],
      ["Tests", "Run tests"],
      ["Runtime", "Logs"],
      ["Deploy", "Build and deploy"],
      ["Workflows", "Workflows"],
      ["Chat", "Chat"],
    ];
    for (const [link, heading] of views) {
      await page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: link, exact: true }).click();
      await page.getByRole("heading", { name: heading, exact: true }).first().waitFor();
    }
    await page.getByRole("link", { name: "Dashboard", exact: true }).click();
    await page.getByRole("heading", { name: "Recent events" }).waitFor();
    await page.getByTestId("project-row").getByRole("link", { name: NAME }).waitFor();
    await page.getByRole("link", { name: "Settings", exact: true }).click();
    await page.getByRole("heading", { name: "Tokens" }).waitFor();

    // Signed out: the login screen.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to ATT" }).waitFor();

    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("serves the API docs page under its own policy without a violation", async () => {
    const { page, violations, errors, context } = await watch(
      browser,
      `${stack.url}/api/v1/docs#token=${stack.userToken}`,
    );
    // Swagger UI renders the document, then runs a call from the page (an authenticated fetch).
    const operation = page.locator(".opblock", { hasText: "/api/v1/projects" }).filter({ hasText: "GET" }).first();
    await operation.locator(".opblock-summary").first().click();
    await operation.getByRole("button", { name: "Try it out" }).click();
    await operation.getByRole("button", { name: "Execute" }).click();
    await operation.locator(".live-responses-table .response-col_status", { hasText: "200" }).waitFor();
    expect(await operation.locator(".live-responses-table").textContent()).toContain(NAME);
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("sets protective headers on the API's own responses", async () => {
    const expectProtected = (response: Response, policy: RegExp) => {
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("content-security-policy")).toMatch(policy);
      expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    };
    const data = /^default-src 'none'/;

    // Authenticated JSON is never stored; nor are errors, public or not.
    const projects = await stack.api("/api/v1/projects");
    expect(projects.status).toBe(200);
    expectProtected(projects, data);
    expect(projects.headers.get("cache-control")).toBe("no-store");
    const refused = await stack.api("/api/v1/projects", { token: null });
    expect(refused.status).toBe(401);
    expectProtected(refused, data);
    expect(refused.headers.get("cache-control")).toBe("no-store");
    const missing = await stack.api("/api/v1/no-such-route");
    expect(missing.status).toBe(404);
    expectProtected(missing, data);

    // MCP answers are relayed from a Durable Object (immutable headers): they are protected too.
    const mcp = await stack.api("/mcp", {
      method: "POST",
      headers: { accept: "application/json, text/event-stream" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "csp-test", version: "1" } },
      }),
    });
    expect(mcp.status).toBe(200);
    expect(mcp.headers.get("mcp-session-id")).toBeTruthy();
    expectProtected(mcp, data);
    expect(mcp.headers.get("cache-control")).toMatch(/no-store|no-cache/);
    await mcp.body?.cancel();

    // The docs page is HTML with scripts of its own; its static files keep their cache policy.
    const docs = await stack.api("/api/v1/docs", { token: null });
    expectProtected(docs, /^default-src 'self'; script-src 'self';/);
    const css = await stack.api("/api/v1/docs/swagger-ui.css", { token: null });
    expectProtected(css, data);
    expect(css.headers.get("cache-control")).toBe("public, max-age=3600");
  });
});
