import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./agent/src/state/schema.ts",
  out: "./agent/drizzle",
});
