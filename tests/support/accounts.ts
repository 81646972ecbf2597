/** Users, memberships and tokens for multi-user tests, made through the real REST API. */
import type { Role, TokenCreated, UserCreated } from "@att/shared";
import type { Stack } from "./stack.ts";

export interface TestUser {
  userId: string;
  /** Their own first workspace. */
  workspaceId: string;
  /** Acts in their own workspace as its owner. */
  token: string;
}

async function ok<T>(response: Response, what: string): Promise<T> {
  if (!response.ok) throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** A new user with their own workspace, made with the stack's admin token. */
export async function createUser(stack: Stack, name: string): Promise<TestUser> {
  const created = await ok<UserCreated>(
    await stack.api("/api/v1/users", { method: "POST", body: JSON.stringify({ name }) }),
    `create user ${name}`,
  );
  return { userId: created.user.id, workspaceId: created.workspace.id, token: created.token.secret };
}

/** Makes `userId` a member of the owner's current workspace with `role`. */
export async function addMember(stack: Stack, ownerToken: string, userId: string, role: Role): Promise<void> {
  await ok(
    await stack.api(`/api/v1/workspace/members/${userId}`, {
      method: "PUT",
      token: ownerToken,
      body: JSON.stringify({ role }),
    }),
    `add ${userId} as ${role}`,
  );
}

/** A new token of the holder of `token`, acting in `workspaceId`. */
export async function tokenIn(stack: Stack, token: string, workspaceId: string, role?: Role): Promise<TokenCreated> {
  return ok<TokenCreated>(
    await stack.api("/api/v1/tokens", {
      method: "POST",
      token,
      body: JSON.stringify({ name: `in ${workspaceId}`, workspaceId, ...(role ? { role } : {}) }),
    }),
    `token in ${workspaceId}`,
  );
}
