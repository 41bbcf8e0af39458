import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{app,server,supabase,dev}/**/*.test.ts"],
    // One real local stack (Postgres, Auth gateway, Deno) for the whole run.
    globalSetup: ["dev/test/global-setup.ts"],
    setupFiles: ["dev/test/worker-setup.ts"],
    pool: "forks",
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
