import { afterAll, inject } from "vitest";
import { closeDatabase } from "../../server/db/client";
import { closeSuperuserSql } from "./fixtures";

// Server modules read their configuration from the environment, as in production.
// A short Graph timeout, so that tests of a Meta that never answers do not wait ten seconds.
Object.assign(process.env, inject("stack").env, {
  NODE_ENV: "test",
  LOG_LEVEL: "warn",
  META_GRAPH_URL: inject("stack").metaUrl,
  META_GRAPH_TIMEOUT_MS: "1500",
});

afterAll(async () => {
  await closeDatabase();
  await closeSuperuserSql();
});
