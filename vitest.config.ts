/**
 * One `npm test` for everything: protocol and agent unit tests in Node, Worker
 * and Durable Object tests inside workerd, and integration tests that start
 * the real wrangler dev and agent processes.
 */
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/**
 * The Worker serves web/build as assets: projects that start it build the UI
 * first (once; a lock serializes concurrent builds). Unit-only runs, like a
 * self change's quick tests, skip the build.
 */
const WEB_BUILD = "tests/support/web-build-setup.ts";

export default defineConfig({
  test: {
    projects: [
      { test: { name: "shared", include: ["shared/test/**/*.test.ts"], environment: "node" } },
      { test: { name: "agent", include: ["agent/test/**/*.test.ts"], environment: "node" } },
      // Logic that lives in the UI (parsers, reducers), tested as plain modules.
      { test: { name: "web", include: ["web/test/**/*.test.ts"], environment: "node" } },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                ATT_TOKEN: "test-user-token",
                ATT_AGENT_TOKEN: "test-agent-token",
                ATT_AGENT_TIMEOUT_MS: "2000",
              },
            },
          }),
        ],
        test: { name: "worker", include: ["worker/test/**/*.test.ts"], globalSetup: [WEB_BUILD] },
      },
      {
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          globalSetup: [WEB_BUILD],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        // Browser scenarios: Debian's Chromium through playwright-core against the real stack.
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          globalSetup: [WEB_BUILD],
          // After the other projects: browsers and NAT apps need the two cores to themselves.
          sequence: { groupOrder: 1 },
          // A page reacts when the real stack does: poll for it rather than expecting it within a second.
          expect: { poll: { timeout: 15_000, interval: 100 } },
          env: { ATT_STACK_HEARTBEAT_TIMEOUT_MS: "10000" },
          environment: "node",
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
