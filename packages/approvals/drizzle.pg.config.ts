import { defineConfig } from "drizzle-kit";

// The PostgreSQL (fleet) migrations, generated from src/schema-pg.ts into ./drizzle-pg and
// embedded by `scripts/embed-migrations.mjs` like the libSQL ones.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/schema-pg.ts",
  out: "./drizzle-pg",
});
