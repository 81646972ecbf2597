// SvelteKit builds the UI as a single-page app of static files; the Worker
// serves them as Workers assets next to the API (wrangler.toml [assets]), so
// the UI holds no server code and every datum comes from the REST API.
import adapter from "@sveltejs/adapter-static";
import { sveltekit } from "@sveltejs/kit/vite";
import { defineConfig } from "vite";

// `npm run dev -w web` serves the UI with hot reload and sends API calls and
// sockets to the control plane that `npm start` runs.
const controlPlane = process.env.ATT_SERVER ?? "http://127.0.0.1:8787";

export default defineConfig({
  plugins: [
    sveltekit({
      adapter: adapter({ pages: "build", assets: "build", fallback: "index.html", strict: true }),
    }),
  ],
  server: { proxy: { "/api": { target: controlPlane, ws: true }, "/mcp": controlPlane } },
});
