import { expect, it } from "vitest";
import { usesTransactionPooler } from "./database-url";

it.each([
  ["postgresql://postgres.abcd:pw@aws-0-eu-west-1.pooler.supabase.com:6543/postgres", true],
  ["postgresql://postgres.abcd:pw@aws-0-eu-west-1.pooler.supabase.com:5432/postgres", false],
  ["postgresql://postgres:pw@db.abcd.supabase.co:5432/postgres?sslmode=require", false],
  ["not a url", false],
])("%s → transaction pooler: %s", (url, expected) => {
  expect(usesTransactionPooler(url)).toBe(expected);
});
