/**
 * The role each route needs. A route declares it with `needs(role)` in its
 * definition: the middleware refuses a lesser role before the body is read or
 * validated, and `x-att-role` puts the same declaration in the OpenAPI
 * document, where a test enumerates every operation against it.
 */
import { type Role, roleAllows } from "@att/shared";
import type { MiddlewareHandler } from "hono";
import type { AppBindings } from "../env.ts";
import { ApiError } from "./api-error.ts";

export const ROLE_EXTENSION = "x-att-role";

export function requireRole(role: Role): MiddlewareHandler<AppBindings> {
  return async (c, next) => {
    const principal = c.get("principal");
    if (!roleAllows(principal.role, role)) {
      throw new ApiError(
        "forbidden",
        `this needs the ${role} role; you are ${principal.role} in workspace '${principal.workspaceId}' (an owner can change your role)`,
      );
    }
    await next();
  };
}

/** Spread into a `createRoute` config: the guard and its documentation, from one value. */
export function needs(role: Role): { middleware: MiddlewareHandler<AppBindings>; [ROLE_EXTENSION]: Role } {
  return { middleware: requireRole(role), [ROLE_EXTENSION]: role };
}
