/**
 * /mcp as an OAuth protected resource: a 401 that points clients at the
 * metadata, and turning a validated access token into a principal. The grant
 * names a user and a workspace; the role is their membership's, read now, so
 * a demotion applies to tokens already issued.
 */
import type { Context } from "hono";
import { directory, type Principal } from "../accounts/principal.ts";
import type { AppBindings } from "../env.ts";
import { ApiError } from "../http/api-error.ts";
import { admitted } from "../http/rate-limited.ts";
import {
  authorizationServer,
  GrantProps,
  MCP_SCOPE,
  mcpResource,
  publicOrigin,
  resourceMetadataUrl,
} from "./server.ts";

export function unauthorizedAtMcp(c: Context<AppBindings>, message: string): ApiError {
  const metadata = resourceMetadataUrl(publicOrigin(c));
  return new ApiError("unauthorized", message).withHeaders({
    "www-authenticate": `Bearer resource_metadata="${metadata}", scope="${MCP_SCOPE}"`,
  });
}

export async function oauthPrincipal(c: Context<AppBindings>, token: string): Promise<Principal | null> {
  const origin = publicOrigin(c);
  const validated = await authorizationServer(origin).validateToken(mcpResource(origin), token, c.env);
  if (validated === null) return null;
  const props = GrantProps.safeParse(validated.props);
  if (!props.success) return null;
  const { userId, workspaceId } = props.data;
  const account = directory(c.env);
  const role = await account.roleOf(userId, workspaceId);
  if (role === null) return null;
  admitted(await account.admit(`oauth:${userId}:${validated.clientId}`));
  return { userId, workspaceId, role, credential: "oauth", credentialId: validated.clientId, operator: false };
}
