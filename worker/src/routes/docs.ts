/**
 * The OpenAPI 3.1 document (generated from the zod schemas the routes use) and
 * an interactive docs page. Swagger UI's files are bundled into the Worker, so
 * the page works offline; it reads the token from the URL fragment, which
 * browsers never send to the server.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import swaggerCss from "swagger-ui-dist/swagger-ui.css";
import swaggerBundle from "swagger-ui-dist/swagger-ui-bundle.js";
import type { AppBindings } from "../env.ts";
import { ROLE_EXTENSION } from "../http/roles.ts";

export const OPENAPI_PATH = "/api/v1/openapi.json";

export function registerDocs(app: OpenAPIHono<AppBindings>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description:
      "A personal API token (attp_…, POST /api/v1/tokens) or the deployment's admin token (ATT_TOKEN). Agents use their pairing token on /api/v1/agent/ws; MCP clients may also use OAuth at /mcp.",
  });
  app.openAPIRegistry.registerPath({
    method: "get",
    path: OPENAPI_PATH,
    tags: ["system"],
    summary: "This OpenAPI 3.1 document",
    security: [{ bearerAuth: [] }],
    [ROLE_EXTENSION]: "viewer",
    responses: {
      200: { description: "The document", content: { "application/json": { schema: { type: "object" } } } },
    },
  });
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/api/v1/docs",
    tags: ["system"],
    summary: "Interactive API docs (HTML; reads the token from the #token= fragment)",
    security: [],
    [ROLE_EXTENSION]: "public",
    responses: { 200: { description: "HTML page", content: { "text/html": { schema: { type: "string" } } } } },
  });
  app.doc31(OPENAPI_PATH, (c) => ({
    openapi: "3.1.0",
    info: {
      title: "ATT control plane",
      version: c.env.ATT_VERSION,
      description: "REST API of ATT, the Agent Toolkit Toolkit. Errors are RFC 7807 problem+json with a stable `code`.",
    },
    servers: [{ url: new URL(c.req.url).origin }],
    security: [{ bearerAuth: [] }],
  }));
  app.get("/api/v1/docs", (c) => c.html(DOCS_PAGE));
  app.get("/api/v1/docs/swagger-ui.css", (c) =>
    c.body(swaggerCss, 200, { "content-type": "text/css; charset=utf-8", "cache-control": "public, max-age=3600" }),
  );
  app.get("/api/v1/docs/swagger-ui-bundle.js", (c) =>
    c.body(swaggerBundle, 200, {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "public, max-age=3600",
    }),
  );
  app.get("/api/v1/docs/init.js", (c) =>
    c.body(DOCS_INIT, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" }),
  );
}

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ATT API</title>
<link rel="stylesheet" href="/api/v1/docs/swagger-ui.css">
</head>
<body>
<div id="docs"></div>
<script src="/api/v1/docs/swagger-ui-bundle.js"></script>
<script src="/api/v1/docs/init.js"></script>
</body>
</html>`;

export const DOCS_INIT = `(() => {
  const fromFragment = new URLSearchParams(location.hash.slice(1)).get("token");
  if (fromFragment) { sessionStorage.setItem("att.token", fromFragment); history.replaceState(null, "", location.pathname); }
  const token = sessionStorage.getItem("att.token");
  const withToken = (request) => { if (token && !request.headers.Authorization) request.headers.Authorization = "Bearer " + token; return request; };
  const ui = SwaggerUIBundle({ url: "${OPENAPI_PATH}", dom_id: "#docs", requestInterceptor: withToken, persistAuthorization: true, validatorUrl: null });
  if (token) ui.preauthorizeApiKey("bearerAuth", token);
})();`;
