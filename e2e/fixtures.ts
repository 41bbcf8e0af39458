import { randomUUID } from "node:crypto";
import { type BrowserContext, test as base, expect, type Page } from "@playwright/test";
import type { SimulatedUser } from "../dev/meta/accounts";
import { deliverWebhook, messengerText, newMid } from "../dev/meta/webhooks";
import { type TestUser, testData } from "../dev/test/test-data";
import { LOCAL_DEFAULTS } from "../server/lib/config";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through playwright.config.ts, whose global setup starts the stack`);
  return value;
}

export type Fixtures = {
  data: ReturnType<typeof testData>;
  /** Another browser (a colleague, a second admin), watched for CSP violations like the test's own. */
  newContext: () => Promise<BrowserContext>;
};

/** What the browser refused under our Content-Security-Policy: any of it fails the test. */
function watchForCspViolations(context: BrowserContext): string[] {
  const violations: string[] = [];
  context.on("console", (message) => {
    if (message.type() === "error" && /Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}

/** Every test gets the app's URL as baseURL and a way to make its own users and workspaces. */
export const test = base.extend<Fixtures>({
  context: async ({ context }, use) => {
    const violations = watchForCspViolations(context);
    await use(context);
    expect(violations, "the page broke the Content-Security-Policy").toEqual([]);
  },
  newContext: async ({ browser }, use) => {
    const opened: { context: BrowserContext; violations: string[] }[] = [];
    await use(async () => {
      const context = await browser.newContext({ baseURL: required("E2E_APP_URL") });
      opened.push({ context, violations: watchForCspViolations(context) });
      return context;
    });
    for (const { context } of opened) await context.close();
    expect(
      opened.flatMap((o) => o.violations),
      "another browser broke the Content-Security-Policy",
    ).toEqual([]);
  },
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

/** A fresh gym with a connected Messenger page, signed in as a member with `role`. */
export async function gymWithPage(
  { page, data }: { page: Page } & Pick<Fixtures, "data">,
  role: "admin" | "manager" | "agent" = "admin",
) {
  const { user, workspaceId } = await data.memberOfNewWorkspace(role, `Gym ${randomUUID().slice(0, 5)}`);
  const channelId = await data.createChannel(workspaceId, "messenger");
  const [channel] = await data.sql()<{ provider_account_id: string }[]>`
    select provider_account_id from public.channel_accounts where id = ${channelId}`;
  await signInAs(page, user);
  const pageId = channel?.provider_account_id ?? "";
  return {
    user,
    workspaceId,
    channelId,
    pageId,
    /** A member writes to the page (a new member unless `psid` names one). */
    memberWrites: (text: string, psid = `psid-${randomUUID()}`) =>
      meta.webhook(messengerText({ pageId, psid, text, mid: newMid() })),
  };
}

/** A fresh gym with a connected WhatsApp number and a member with `role` (not signed in yet). */
export async function gymWithWhatsApp({ data }: Pick<Fixtures, "data">, role: "admin" | "manager" | "agent" = "agent") {
  const { user, workspaceId } = await data.memberOfNewWorkspace(role, `Gym ${randomUUID().slice(0, 5)}`);
  const channelId = await data.createChannel(workspaceId, "whatsapp");
  const [channel] = await data.sql()<{ phoneNumberId: string }[]>`
    select provider_account_id as "phoneNumberId" from public.channel_accounts where id = ${channelId}`;
  return { user, workspaceId, channelId, phoneNumberId: channel?.phoneNumberId ?? "" };
}

export const metaUrl = () => process.env.E2E_META_URL ?? "";

/**
 * A fresh gym with a WhatsApp number of the simulator's, its six templates synced by the worker, and a member with
 * `role` (not signed in yet).
 */
export async function gymWithTemplates({ data }: Pick<Fixtures, "data">, role: "admin" | "manager" | "agent" = "admin") {
  const { user, workspaceId } = await data.memberOfNewWorkspace(role, `Gym ${randomUUID().slice(0, 5)}`);
  const number = await data.connectWhatsAppOfSimulator(metaUrl(), workspaceId);
  await expect
    .poll(async () => (await data.sql()`select 1 from public.whatsapp_templates where workspace_id = ${workspaceId}`).length)
    .toBe(6);
  return { user, workspaceId, ...number };
}

/** A Facebook user of the simulator with these Pages, "logged in" in this browser. */
export async function facebookUserWithPages(page: Page, names: string[]): Promise<SimulatedUser> {
  const response = await fetch(`${metaUrl()}/__test-users`, {
    method: "POST",
    body: JSON.stringify({ name: "Gym Owner", pages: names.map((name) => ({ name })) }),
  });
  const user = (await response.json()) as SimulatedUser;
  // Like being logged in to Facebook in this browser: the simulator's dialog shows this user's Pages.
  await page.goto(`${metaUrl()}/__login-as/${user.id}`);
  return user;
}

/** Settings → Connect with Facebook → grant exactly these Pages in Meta's dialog → connect them. */
export async function connectPages(
  page: Page,
  allPages: string[],
  grant: string[],
  button = page.getByRole("button", { name: "Connect with Facebook" }),
) {
  await button.click();
  await expect(page).toHaveTitle("Log in with Facebook");
  for (const name of allPages) await page.getByLabel(name).setChecked(grant.includes(name));
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Choose the Pages to connect" })).toBeVisible();
  await page.getByRole("button", { name: `Connect ${grant.length} Page${grant.length === 1 ? "" : "s"}` }).click();
  for (const name of grant) await expect(page.getByRole("status").getByText(`${name} is connected.`).first()).toBeVisible();
  await expect(page.getByRole("heading", { name: "Connection results" })).toBeVisible();
  await page.getByRole("button", { name: "Done" }).click();
}
