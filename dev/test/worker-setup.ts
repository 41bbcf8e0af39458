import { afterAll, inject } from "vitest";
import { closeDatabase } from "../../server/db/client";
import { closeSuperuserSql } from "./fixtures";

// Server modules read their configuration from the environment, as in production.
Object.assign(process.env, inject("stack").env, { NODE_ENV: "test", LOG_LEVEL: "warn", META_GRAPH_URL: inject("stack").metaUrl });

afterAll(async () => {
  await closeDatabase();
  await closeSuperuserSql();
});
