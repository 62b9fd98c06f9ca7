import { defineConfig } from "tsup";
import { baseTsupOptions } from "../../tsup.base.js";

export default defineConfig({
  ...baseTsupOptions,
  entry: ["src/index.ts"],
  // The PostgreSQL store (pg, drizzle's pg-core, its migrations) is a chunk of its own, loaded by
  // openStore only for a postgres:// URL: the embedded store's start-up does not pay for it.
  splitting: true,
});
