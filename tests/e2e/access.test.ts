/**
 * Settings → Access in real Chromium, with real accounts made over REST: an
 * owner (a user the admin token created) sees who they are, creates a
 * personal token whose once-shown secret then works over REST, revokes it
 * (REST answers 401 at once), adds a viewer, is refused demoting the last
 * owner with the server's own message, and pairs a real agent from the page
 * (it links with the shown token) and revokes it (it is disconnected and
 * stops). The viewer signs in through the login form with a token for the
 * owner's workspace and sees the members but none of the owner's controls.
 * No console error and no CSP violation anywhere.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, type TestUser, tokenIn } from "../support/accounts.ts";
import { launchBrowser, openApp, PHONE, screenshot } from "../support/browser.ts";
import { Stack } from "../support/stack.ts";

/** The statuses REST answers `token` on who-am-I. */
async function meStatus(stack: Stack, token: string): Promise<number> {
  const response = await stack.api("/api/v1/me", { token });
  await response.body?.cancel();
  return response.status;
}

/** A JSON answer of the REST API to `token`. */
async function getJson<T>(stack: Stack, pathname: string, token: string): Promise<T> {
  const response = await stack.api(pathname, { token });
  if (!response.ok) throw new Error(`${pathname}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Accepts the next confirm() the page shows, after checking what it asks. */
function acceptNextConfirm(page: Page, asks: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    page.once("dialog", (dialog) => {
      const message = dialog.message();
      void dialog
        .accept()
        .then(() => (asks.test(message) ? resolve() : reject(new Error(`confirm asked: ${message}`))));
    });
  });
}

describe("settings: access, tokens, members, agents", () => {
  let stack: Stack;
  let browser: Browser;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    stack = await Stack.start();
    browser = await launchBrowser();
    alice = await createUser(stack, "alice");
    bob = await createUser(stack, "bob");
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.dispose();
  });

  it("tells local mode's admin who they are: the operator, owner of the default workspace", async () => {
    const { page, errors, violations, context } = await openApp(browser, stack, { path: "/settings" });
    const access = page.getByTestId("access");
    await expect.poll(() => access.getByTestId("me-workspace").textContent()).toBe("default");
    expect(await access.getByTestId("me-role").textContent()).toBe("owner");
    expect(await access.getByTestId("me-credential").textContent()).toContain("admin token (ATT_TOKEN)");
    await access.getByText("operator: may create users").waitFor();
    // Local mode's agent uses ATT_AGENT_TOKEN, not a pairing: none is listed, pairing is offered.
    await page.getByText("No paired agents.").waitFor();
    await page.getByRole("form", { name: "Pair an agent" }).waitFor();
    await access.scrollIntoViewIfNeeded();
    await screenshot(page, "8-settings-access-admin");
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
    await context.close();
  });

  it("lets an owner create and revoke a token, add a viewer and pair an agent", async () => {
    const { page, errors, violations, context } = await openApp(browser, stack, {
      path: "/settings",
      token: alice.token,
    });
    const access = page.getByTestId("access");
    await expect.poll(() => access.getByTestId("me-user").textContent()).toBe("alice");
    expect(await access.getByTestId("me-workspace").textContent()).toBe("alice's workspace");
    expect(await access.getByTestId("me-role").textContent()).toBe("owner");
    await expect.poll(() => page.getByLabel("Role of alice").inputValue()).toBe("owner");
    expect(await access.getByTestId("me-credential").textContent()).toContain("a personal API token");
    expect(await access.getByTestId("me-user-id").textContent()).toBe(alice.userId);
    // The first token (made with the user) is listed as this browser's, by its prefix only.
    const rows = page.getByTestId("token-row");
    await rows.filter({ hasText: "first token" }).getByText("this browser").waitFor();
    expect(await page.content()).not.toContain(alice.token);

    // A token capped at editor: its secret is shown once and works over REST with the capped role.
    const form = page.getByRole("form", { name: "Create a personal token" });
    await form.getByLabel("Token name").fill("ci");
    await form.getByLabel("Expires in (days)").fill("30");
    await form.getByLabel("Role cap").selectOption("editor");
    await form.getByRole("button", { name: "Create token" }).click();
    const once = page.getByRole("region", { name: "New token “ci”" });
    await once.getByText("Store it now: it will not be shown again").waitFor();
    const secret = (await once.getByTestId("new-secret").textContent()) ?? "";
    expect(secret).toMatch(/^attp_/);
    const me = await getJson<{ user: { name: string }; role: string }>(stack, "/api/v1/me", secret);
    expect([me.user.name, me.role]).toEqual(["alice", "editor"]);
    const ci = rows.filter({ has: page.getByText("ci", { exact: true }) });
    expect(await ci.getAttribute("data-state")).toBe("active");
    expect(await ci.textContent()).toContain("editor");
    const prefix = (await ci.locator("code").textContent()) ?? "";
    expect(secret.startsWith(prefix.replace(/…$/, ""))).toBe(true);
    const expires = Date.parse((await ci.locator("time").nth(1).getAttribute("datetime")) ?? "");
    expect(Math.round((expires - Date.now()) / 86_400_000)).toBe(30);
    await screenshot(page, "8-settings-access-token");
    await once.getByRole("button", { name: "I have stored it" }).click();
    expect(await once.count()).toBe(0);
    expect(await page.content()).not.toContain(secret);

    // Revoked in the UI after a confirmation: REST refuses it at once.
    const confirmed = acceptNextConfirm(page, /Revoke the token “ci”/);
    await page.getByRole("button", { name: "Revoke ci" }).click();
    await confirmed;
    await expect.poll(() => ci.getAttribute("data-state")).toBe("revoked");
    expect(await meStatus(stack, secret)).toBe(401);
    expect(await meStatus(stack, alice.token)).toBe(200);

    // Bob joins as a viewer.
    const members = page.getByRole("form", { name: "Add a member" });
    await members.getByLabel("User id").fill(bob.userId);
    await members.getByLabel("Role").selectOption("viewer");
    await members.getByRole("button", { name: "Add member" }).click();
    const bobRow = page.locator(`[data-testid="member-row"][data-user="${bob.userId}"]`);
    await bobRow.waitFor();
    expect(await bobRow.getAttribute("data-role")).toBe("viewer");
    const listed = await getJson<{ members: { user: { name: string }; role: string }[] }>(
      stack,
      "/api/v1/workspace/members",
      alice.token,
    );
    expect(listed.members.map((m) => [m.user.name, m.role])).toEqual([
      ["alice", "owner"],
      ["bob", "viewer"],
    ]);

    // Demoting the last owner: the server refuses (409) and the page says why, in the server's words.
    const demote = acceptNextConfirm(page, /Change your own role to editor/);
    await page.getByLabel("Role of alice").selectOption("editor");
    await page.getByRole("button", { name: "Save the role of alice" }).click();
    await demote;
    const refusal = page.getByRole("alert").filter({ hasText: "The server refused that change" });
    await refusal.getByText("a workspace keeps at least one owner").waitFor();
    expect(await refusal.textContent()).toContain("409");
    expect(await access.getByTestId("me-role").textContent()).toBe("owner");
    await page.getByRole("heading", { name: "Members of alice's workspace" }).scrollIntoViewIfNeeded();
    await screenshot(page, "8-settings-access-members");

    // An agent paired from the page links with the token it shows, and its revocation stops it.
    const pairForm = page.getByRole("form", { name: "Pair an agent" });
    await pairForm.getByLabel("Agent name").fill("laptop");
    await pairForm.getByRole("button", { name: "Pair agent" }).click();
    const paired = page.getByRole("region", { name: "Agent “laptop” paired" });
    const agentToken = (await paired.getByTestId("new-secret").textContent()) ?? "";
    expect(agentToken).toMatch(/^atta_/);
    expect(await paired.getByTestId("agent-command").textContent()).toBe(
      `ATT_SERVER=${stack.url} ATT_AGENT_TOKEN=${agentToken} npx att-agent`,
    );
    await paired.scrollIntoViewIfNeeded();
    await screenshot(page, "8-settings-access-agent");
    const agent = stack.startAgent({ token: agentToken, name: "alice-laptop" });
    const projects = async () => {
      const response = await stack.api("/api/v1/projects", { token: alice.token });
      await response.body?.cancel();
      return response.status;
    };
    await expect.poll(projects, { timeout: 30_000, interval: 250 }).toBe(200);
    const revokeAgent = acceptNextConfirm(page, /Revoke the agent “laptop”/);
    await page.getByRole("button", { name: "Revoke agent laptop" }).click();
    await revokeAgent;
    await expect.poll(() => page.getByTestId("pairing-row").getAttribute("data-state")).toBe("revoked");
    await expect.poll(projects, { timeout: 30_000, interval: 250 }).toBe(503);
    const exit = await Promise.race([
      agent.exited.then(() => "exited"),
      new Promise((resolve) => setTimeout(() => resolve("running"), 30_000)),
    ]);
    expect(exit).toBe("exited");

    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
    await context.close();
  });

  it("shows a viewer the members but none of the owner's controls", async () => {
    // Bob is a viewer of Alice's workspace (the first scenario added him; this keeps the scenario whole alone).
    const put = await stack.api(`/api/v1/workspace/members/${bob.userId}`, {
      method: "PUT",
      token: alice.token,
      body: JSON.stringify({ role: "viewer" }),
    });
    expect(put.status).toBe(200);
    const { secret } = await tokenIn(stack, bob.token, alice.workspaceId);

    const { page, errors, violations, context } = await openApp(browser, stack, {
      path: "/settings",
      token: null,
      viewport: PHONE,
      colorScheme: "dark",
    });
    await page.getByLabel("API token").fill(secret);
    await page.getByRole("button", { name: "Sign in" }).click();
    const access = page.getByTestId("access");
    await expect.poll(() => access.getByTestId("me-user").textContent()).toBe("bob");
    expect(await access.getByTestId("me-workspace").textContent()).toBe("alice's workspace");
    expect(await access.getByTestId("me-role").textContent()).toBe("viewer");

    const rows = page.getByTestId("member-row");
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.evaluateAll((all) => all.map((row) => row.getAttribute("data-role")))).toEqual([
      "owner",
      "viewer",
    ]);
    expect(await page.getByText("Only owners change members.").count()).toBe(1);
    // None of the owner's controls: no role choice, no removal, no adding, no agents.
    expect(await page.getByRole("form", { name: "Add a member" }).count()).toBe(0);
    expect(await page.getByLabel(/^Role of /).count()).toBe(0);
    expect(await page.getByRole("button", { name: /^Remove / }).count()).toBe(0);
    expect(await page.getByRole("heading", { name: "Agents" }).count()).toBe(0);
    expect(await page.getByRole("form", { name: "Pair an agent" }).count()).toBe(0);
    // A viewer's own tokens can be capped at viewer at most.
    const caps = await page
      .getByRole("form", { name: "Create a personal token" })
      .getByLabel("Role cap")
      .locator("option")
      .allTextContents();
    expect(caps).toEqual(["None: your role (viewer)", "viewer"]);
    await page.getByRole("heading", { name: "Members of alice's workspace" }).scrollIntoViewIfNeeded();
    await screenshot(page, "8-settings-access-viewer-phone-dark");

    // The server refuses anyway: hiding was never the protection.
    const refused = await stack.api(`/api/v1/workspace/members/${bob.userId}`, {
      method: "PUT",
      token: secret,
      body: JSON.stringify({ role: "owner" }),
    });
    expect(refused.status).toBe(403);

    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
    await context.close();
  });
});
