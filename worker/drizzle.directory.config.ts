import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  driver: "durable-sqlite",
  schema: "./worker/src/accounts/schema.ts",
  out: "./worker/drizzle-directory",
});
