import { randomUUID } from "node:crypto";
import type { Page } from "@playwright/test";
import { freePort, startApp } from "../dev/stack/local-stack";
import { linkIn, nthEmailTo } from "../dev/test/mailbox";
import { expect, test } from "./fixtures";

const mailUrl = () => process.env.E2E_MAIL_URL ?? "";
const newAddress = () => `owner-${randomUUID().slice(0, 8)}@harbour-strength.test`;

async function signUp(page: Page, email: string, password = "lift heavy things daily") {
  await page.goto("/signup");
  await page.getByLabel("Work email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
}

test("a new person signs up, confirms their email, founds a gym and lands in its empty inbox", async ({ page, baseURL }) => {
  const email = newAddress();
  await page.goto("/login");
  await page.getByRole("link", { name: "Create an account" }).click();
  await expect(page).toHaveURL(/\/signup$/);
  await signUp(page, email);
  await expect(page.getByRole("heading", { name: "Check your inbox" })).toBeVisible();
  await expect(page.getByText(`We sent a confirmation link to ${email}.`)).toBeVisible();

  // Signing in before confirming says what to do.
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("lift heavy things daily");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText(/Confirm your email first/);

  const link = linkIn(await nthEmailTo(mailUrl(), email), "/auth/confirm");
  expect(link.origin).toBe(baseURL);
  await page.goto(link.toString());
  await expect(page.getByRole("heading", { name: "Set up your gym" })).toBeVisible();

  await page.getByRole("button", { name: "Create gym" }).click();
  await expect(page.getByText("Name the gym.")).toBeVisible();
  await page.getByLabel("Gym name").fill("Harbour Strength");
  await page.getByRole("button", { name: "Create gym" }).click();

  await expect(page).toHaveURL(/\/inbox$/);
  await expect(page.getByTestId("workspace-name")).toHaveText("Harbour Strength");
  await expect(page.getByRole("heading", { name: "Connect your first channel" })).toBeVisible();
  await expect(page.getByText("No conversations")).toBeVisible();
  await page.getByRole("link", { name: "Connect a channel" }).click();
  await expect(page).toHaveURL(/\/settings\/channels$/);
  await expect(page.getByRole("button", { name: "Connect with Facebook" })).toBeVisible();

  // The founder is its admin, and going back to the founding page leads to the gym.
  await page.goto("/welcome");
  await expect(page).toHaveURL(/\/inbox$/);

  // The link has done its work: a second click says so instead of signing anyone in.
  await page.context().clearCookies();
  await page.goto(link.toString());
  await expect(page.getByRole("heading", { name: "This link no longer works" })).toBeVisible();
});

test("sign-up says what is wrong with the form, and sends the email again when asked", async ({ page }) => {
  await signUp(page, "not-an-email", "short");
  await expect(page.getByText("Enter a valid email address.")).toBeVisible();
  await expect(page.getByText("At least 12 characters.")).toBeVisible();

  const email = newAddress();
  await signUp(page, email);
  await expect(page.getByRole("heading", { name: "Check your inbox" })).toBeVisible();
  await nthEmailTo(mailUrl(), email);
  await page.getByRole("button", { name: "Send it again" }).click();
  await expect(page.getByRole("status")).toHaveText(/Wait a minute/);
});

test.describe("an invite-only deployment", () => {
  let app: { url: string; stop(): Promise<void> };
  test.beforeAll(async () => {
    const stackEnv = JSON.parse(process.env.E2E_STACK_ENV ?? "{}") as Record<string, string>;
    const port = await freePort();
    app = await startApp({ port, env: { ...stackEnv, SIGNUP: "invite-only" }, log: () => {} });
  });
  test.afterAll(async () => {
    await app.stop();
  });

  test("says so instead of offering sign-up, and founds no gym even when asked directly", async ({ page, data }) => {
    await page.goto(`${app.url}/login`);
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Create an account" })).toHaveCount(0);
    await page.goto(`${app.url}/signup`);
    await expect(page.getByRole("heading", { name: "Frontdesk is invite-only here" })).toBeVisible();
    await expect(page.getByLabel("Work email")).toHaveCount(0);

    // Someone with an account but no team (made by an operator, say) is told to ask for an invitation.
    const user = await data.createUser("loner");
    await page.goto(`${app.url}/login`);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("Ask your gym's admin for an invitation.")).toBeVisible();
    await expect(page.getByRole("link", { name: "Set up your gym" })).toHaveCount(0);
    await page.goto(`${app.url}/welcome`);
    await expect(page.getByText("This Frontdesk is invite-only.")).toBeVisible();

    const answer = await page.request.post(`${app.url}/api/trpc/workspaces.create`, {
      data: { json: { name: "Sneaky gym" } },
    });
    expect(await answer.text()).toContain("FORBIDDEN");
    const [count] = await data.sql()<
      { n: number }[]
    >`select count(*)::int as n from public.memberships where user_id = ${user.id}`;
    expect(count?.n).toBe(0);
  });
});
