import { test as base, expect, type Page } from "@playwright/test";
import { deliverWebhook } from "../dev/meta/webhooks";
import { type TestUser, testData } from "../dev/test/test-data";
import { LOCAL_DEFAULTS } from "../server/lib/config";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through playwright.config.ts, whose global setup starts the stack`);
  return value;
}

export type Fixtures = { data: ReturnType<typeof testData> };

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

export async function signInAs(page: Page, user: { email: string; password: string }) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("workspace-name")).toBeVisible();
}

/** Meta's side of the world: signed webhooks in, the simulator's record of Graph calls out. */
export const meta = {
  webhook: (payload: unknown) =>
    deliverWebhook(`${required("E2E_SUPABASE_URL")}/functions/v1/meta-webhook`, payload, {
      appSecret: LOCAL_DEFAULTS.META_APP_SECRET,
    }),
  calls: async (pathIncludes: string) =>
    ((await (await fetch(`${required("E2E_META_URL")}/__calls`)).json()) as { path: string; body: unknown }[]).filter((call) =>
      call.path.includes(pathIncludes),
    ),
  fail: (failure: object) =>
    fetch(`${required("E2E_META_URL")}/__failures`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(failure),
    }),
};

export type { TestUser };
