import { test as base, expect } from "@playwright/test";
import { testData } from "../dev/test/test-data";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through playwright.config.ts, whose global setup starts the stack`);
  return value;
}

type Fixtures = { data: ReturnType<typeof testData> };

/** Every test gets the app's URL as baseURL and a way to make its own users and workspaces. */
export const test = base.extend<Fixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
  baseURL: async ({}, use) => use(required("E2E_APP_URL")),
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
  data: async ({}, use) => {
    const data = testData({
      supabaseUrl: required("E2E_SUPABASE_URL"),
      anonKey: required("E2E_SUPABASE_ANON_KEY"),
      serviceRoleKey: required("E2E_SUPABASE_SERVICE_ROLE_KEY"),
      superuserUrl: required("E2E_SUPERUSER_URL"),
    });
    await use(data);
    await data.close();
  },
});

export { expect };

export const DEMO = { admin: "admin@irontemple.test", password: process.env.DEMO_PASSWORD || "frontdesk-demo" };
