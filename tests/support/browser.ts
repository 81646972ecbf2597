/**
 * Real Chromium (Debian's, driven by playwright-core) against the real stack.
 * Every scenario signs in through the `#token=` link `npm start` prints, fails
 * on any uncaught page error, and saves screenshots: into docs/screenshots/
 * with `npm run screenshots` (the gallery the README links), else into
 * .cache/screenshots/ so a test run never dirties the tree.
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { repoRoot, type Stack } from "./stack.ts";

export const CHROMIUM = process.env.ATT_CHROMIUM ?? "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export const SCREENSHOT_DIR =
  process.env.ATT_SCREENSHOTS === "1"
    ? path.join(repoRoot, "docs", "screenshots")
    : path.join(repoRoot, ".cache", "screenshots");

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set ATT_CHROMIUM)`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

export interface AppPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions and console errors the page produced. */
  errors: string[];
  /** Content-Security-Policy violations (`securitypolicyviolation` events) of every document the page loaded. */
  violations: string[];
}

/**
 * Opens the UI signed in, the way the link `npm start` prints does: with the stack's admin token, or
 * `token` (another user's), or, with `token: null`, not signed in at all (the login screen).
 */
export async function openApp(
  browser: Browser,
  stack: Stack,
  options: {
    viewport?: { width: number; height: number };
    colorScheme?: "light" | "dark";
    path?: string;
    token?: string | null;
  } = {},
): Promise<AppPage> {
  const context = await browser.newContext({
    viewport: options.viewport ?? DESKTOP,
    colorScheme: options.colorScheme ?? "light",
  });
  const violations: string[] = [];
  await context.exposeBinding("attReportViolation", (_source, violation: string) => void violations.push(violation));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report = (window as unknown as { attReportViolation: (v: string) => void }).attReportViolation;
      void report(`${event.effectiveDirective} blocked ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    // Failed requests the UI handles (e.g. a 404 it renders as a message) log as console errors; keep real ones.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      errors.push(`console: ${message.text()}`);
    }
  });
  const token = options.token === undefined ? stack.userToken : options.token;
  await page.goto(`${stack.url}${options.path ?? "/"}${token === null ? "" : `#token=${token}`}`);
  return { context, page, errors, violations };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}
