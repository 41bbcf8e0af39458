import { expect, it } from "vitest";
import { databaseConnection, usesTransactionPooler } from "./database-url";

it.each([
  ["postgresql://postgres.abcd:pw@aws-0-eu-west-1.pooler.supabase.com:6543/postgres", true],
  ["postgresql://postgres.abcd:pw@aws-0-eu-west-1.pooler.supabase.com:5432/postgres", false],
  ["postgresql://postgres:pw@db.abcd.supabase.co:5432/postgres?sslmode=require", false],
  ["postgresql://postgres:pw@127.0.0.1:41234/postgres?pgbouncer=true", true],
  ["not a url", false],
])("%s → transaction pooler: %s", (url, expected) => {
  expect(usesTransactionPooler(url)).toBe(expected);
});

it("opens a pgbouncer=true URL without that parameter, unprepared, and keeps the others", () => {
  expect(databaseConnection("postgresql://u:p@127.0.0.1:41234/postgres?pgbouncer=true&sslmode=require")).toEqual({
    url: "postgresql://u:p@127.0.0.1:41234/postgres?sslmode=require",
    prepare: false,
  });
  expect(databaseConnection("postgresql://u:p@db.abcd.supabase.co:5432/postgres")).toEqual({
    url: "postgresql://u:p@db.abcd.supabase.co:5432/postgres",
    prepare: true,
  });
});
