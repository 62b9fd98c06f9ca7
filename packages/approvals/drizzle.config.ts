import { defineConfig } from "drizzle-kit";

// Generates the migration SQL from src/schema.ts into ./drizzle; `scripts/embed-migrations.mjs`
// then embeds it in src/embedded-migrations.ts so the bundled CLI needs no folder at run time.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/schema.ts",
  out: "./drizzle",
});
