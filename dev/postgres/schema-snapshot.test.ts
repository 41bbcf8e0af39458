import { readFile } from "node:fs/promises";
import { expect, it } from "vitest";
import { superuserSql } from "../test/fixtures";
import { SCHEMA_FILE, schemaSnapshot } from "./schema-snapshot";

it("supabase/schema.sql is what the migrations make of an empty database (npm run schema:dump writes it)", async () => {
  // The test stack's database was made by the migrations alone; tests add rows, never schema.
  const current = await schemaSnapshot(superuserSql());
  const committed = await readFile(SCHEMA_FILE, "utf8");
  expect(current === committed, "supabase/schema.sql is out of date: run `npm run schema:dump` and commit it").toBe(true);
});
