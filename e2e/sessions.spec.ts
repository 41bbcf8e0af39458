import { randomUUID } from "node:crypto";
import type { BrowserContext } from "@playwright/test";
import { expect, signInAs, test } from "./fixtures";

/** A made-up client address, so this spec's sign-in limits are its own (the app trusts the loopback proxy). */
const clientAddress = () => `203.0.113.${Math.floor(Math.random() * 250) + 1}`;

/** The session @supabase/ssr keeps in its cookies (`base64-` + JSON, possibly in chunks). */
async function sessionIn(context: BrowserContext): Promise<{ refresh_token: string } | null> {
  const chunks = (await context.cookies())
    .filter((cookie) => /^sb-.*-auth-token(\.\d+)?$/.test(cookie.name))
    .sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }));
  if (chunks.length === 0) return null;
  const value = chunks.map((cookie) => cookie.value).join("");
  return JSON.parse(Buffer.from(value.replace(/^base64-/, ""), "base64url").toString("utf8"));
}

test("the session cookies are HttpOnly, SameSite=Lax and last 14 days; scripts cannot read them", async ({ page, data }) => {
  const { user } = await data.memberOfNewWorkspace("agent");
  await signInAs(page, user);
  const cookies = (await page.context().cookies()).filter((cookie) => cookie.name.startsWith("sb-"));
  expect(cookies.length).toBeGreaterThan(0);
  for (const cookie of cookies) {
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
    // Locally the app is served over http; with an https APP_URL the cookies are Secure too.
    expect(cookie.secure).toBe(new URL(process.env.E2E_APP_URL ?? "").protocol === "https:");
    const days = (cookie.expires * 1000 - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(13.9);
    expect(days).toBeLessThanOrEqual(14);
  }
  expect(await page.evaluate(() => document.cookie)).not.toContain("sb-");
});

test("signing out revokes the session at Auth: its refresh token no longer works", async ({ page, data }) => {
  const { user } = await data.memberOfNewWorkspace("agent");
  await signInAs(page, user);
  const session = await sessionIn(page.context());
  expect(session?.refresh_token).toBeTruthy();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  const { error } = await data.supabaseClient("anon").auth.refreshSession({ refresh_token: session?.refresh_token ?? "" });
  expect(error?.code).toMatch(/refresh_token_not_found|session_not_found|refresh_token_already_used/);
});

test("after signing in, ?next= only ever leads somewhere on this site", async ({ page, data, baseURL }) => {
  const { user } = await data.memberOfNewWorkspace("agent");
  // As they would be written in a link (query-string encoded where a browser would encode them).
  for (const next of ["/%5Cevil.com", "/%09/evil.com", "//evil.com", "https://evil.com", "javascript:alert(1)"]) {
    await page.context().clearCookies();
    await page.goto(`/login?next=${next}`);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("workspace-name")).toBeVisible();
    expect(new URL(page.url()).origin, next).toBe(new URL(baseURL ?? "").origin);
    await expect(page).toHaveURL(/\/inbox$/);
  }
});

test("21 wrong passwords in a minute for one account answer 429 with Retry-After; another account still signs in", async ({
  page,
  data,
  context,
}) => {
  await context.setExtraHTTPHeaders({ "x-forwarded-for": clientAddress() });
  const target = await data.createUser("targeted");
  const colleague = await data.createUser("colleague");
  await data.createWorkspace(`Gym ${randomUUID().slice(0, 5)}`, [{ user: colleague, role: "agent" }]);

  const statuses: number[] = [];
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const response = await page.request.post("/login", {
      form: { email: target.email, password: `wrong-${attempt}`, next: "/inbox" },
      maxRedirects: 0,
    });
    statuses.push(response.status());
  }
  expect(statuses).toEqual(Array(20).fill(400));
  const limited = await page.request.post("/login", {
    form: { email: target.email, password: target.password, next: "/inbox" },
    maxRedirects: 0,
  });
  expect(limited.status()).toBe(429);
  const wait = Number(limited.headers()["retry-after"]);
  expect(wait).toBeGreaterThan(0);
  expect(wait).toBeLessThanOrEqual(60);

  // What the person at the keyboard sees.
  await page.goto("/login");
  await page.getByLabel("Email").fill(target.email);
  await page.getByLabel("Password").fill(target.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText(/^Too many attempts — try again in \d+ s\.$/);

  // The same front desk, another account: not affected.
  await signInAs(page, colleague);
});

test("Auth is told the client's address, not the app server's", async ({ page, data, context }) => {
  const address = clientAddress();
  await context.setExtraHTTPHeaders({ "x-forwarded-for": address });
  const { user } = await data.memberOfNewWorkspace("agent");
  await signInAs(page, user);
  const [session] = await data.sql()<{ ip: string }[]>`
    select host(ip) as ip from auth.sessions where user_id = ${user.id} order by created_at desc limit 1`;
  expect(session?.ip).toBe(address);
});

test("someone removed from a workspace loses it on their next request", async ({ page, data }) => {
  const { user, workspaceId, workspaceName } = await data.memberOfNewWorkspace("agent");
  await signInAs(page, user);
  await expect(page.getByTestId("workspace-name")).toHaveText(workspaceName);
  await data.sql()`delete from public.memberships where workspace_id = ${workspaceId} and user_id = ${user.id}`;
  await page.reload();
  await expect(page.getByText("You are not on any gym's team yet.")).toBeVisible();
  const list = await page.request.get(
    `/api/trpc/conversations.list?input=${encodeURIComponent(JSON.stringify({ json: { workspaceId } }))}`,
  );
  expect(await list.text()).toContain("NOT_FOUND");
});

test("someone on two teams switches between their workspaces, and every tab follows", async ({ page, data }) => {
  const user = await data.createUser("coach");
  const downtown = await data.createWorkspace(`Downtown ${randomUUID().slice(0, 4)}`, [{ user, role: "agent" }]);
  const harbour = await data.createWorkspace(`Harbour ${randomUUID().slice(0, 4)}`, [{ user, role: "manager" }]);
  await data.createConversation(downtown, { contactName: "Dana Downtown" });
  await data.createConversation(harbour, { contactName: "Hugo Harbour" });
  await signInAs(page, user);

  const switcher = page.getByRole("combobox", { name: "Workspace" });
  await expect(switcher).toBeVisible();
  const conversations = page.getByRole("navigation", { name: "Conversations" });
  const first = (await switcher.inputValue()) === downtown ? "Dana Downtown" : "Hugo Harbour";
  const other = first === "Dana Downtown" ? "Hugo Harbour" : "Dana Downtown";
  await expect(conversations.getByText(first)).toBeVisible();

  const secondTab = await page.context().newPage();
  await secondTab.goto("/inbox");
  await switcher.selectOption({ label: (await switcher.locator("option:not(:checked)").textContent()) ?? "" });
  await expect(conversations.getByText(other)).toBeVisible();
  await expect(conversations.getByText(first)).toHaveCount(0);
  await expect(secondTab.getByRole("navigation", { name: "Conversations" }).getByText(other)).toBeVisible();
  // The choice outlasts a reload.
  await page.reload();
  await expect(conversations.getByText(other)).toBeVisible();
});
