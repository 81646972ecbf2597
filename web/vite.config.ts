// SvelteKit builds the UI as a single-page app of static files; the Worker
// serves them as Workers assets next to the API (wrangler.toml [assets]), so
// the UI holds no server code and every datum comes from the REST API.
import adapter from "@sveltejs/adapter-static";
import { type Config, sveltekit } from "@sveltejs/kit/vite";
import { defineConfig } from "vite";

// `npm run dev -w web` serves the UI with hot reload and sends API calls and
// sockets to the control plane that `npm start` runs.
const controlPlane = process.env.ATT_SERVER ?? "http://127.0.0.1:8787";

/**
 * The UI's Content-Security-Policy. The fallback page is prerendered, so SvelteKit writes it as a
 * <meta> tag with the hash of its one inline (bootstrapping) script: no other inline script, no eval.
 * A <meta> policy cannot carry frame-ancestors: that one is a header, in static/_headers.
 * Styles allow 'unsafe-inline' because xterm.js 6 writes <style> elements at run time (its DOM
 * renderer and viewport; no nonce hook) and SvelteKit's route announcer has a style attribute.
 * Injected CSS still cannot reach another origin: images, fonts and connections are 'self' only.
 * tests/e2e/security.test.ts loads every view under it and fails on any violation.
 */
const csp: Config["csp"] = {
  mode: "hash",
  directives: {
    "default-src": ["self"],
    "script-src": ["self"],
    "style-src": ["self", "unsafe-inline"],
    "img-src": ["self", "data:"],
    // 'self' covers WebSockets to this origin (ws: and wss:) too.
    "connect-src": ["self"],
    "object-src": ["none"],
    "base-uri": ["self"],
    "form-action": ["self"],
  },
};

export default defineConfig({
  plugins: [
    sveltekit({
      adapter: adapter({ pages: "build", assets: "build", fallback: "index.html", strict: true }),
      csp,
    }),
  ],
  server: { proxy: { "/api": { target: controlPlane, ws: true }, "/mcp": controlPlane } },
});
