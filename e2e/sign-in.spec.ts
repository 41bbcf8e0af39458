import { DEMO, expect, test } from "./fixtures";

test("the demo admin signs in, sees the inbox shell and signs out", async ({ page }) => {
  await page.goto("/inbox");
  await expect(page).toHaveURL(/\/login\?next=%2Finbox$/);

  await page.getByLabel("Email").fill(DEMO.admin);
  await page.getByLabel("Password").fill(DEMO.password);
  await page.getByRole("button", { name: "Sign in" }).click();

  await expect(page).toHaveURL(/\/inbox$/);
  await expect(page.getByRole("navigation", { name: "Conversations" })).toBeVisible();
  await expect(page.getByTestId("signed-in-as")).toHaveText(DEMO.admin);
  await expect(page.getByTestId("workspace-name")).toHaveText("Iron Temple Gym");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/inbox");
  await expect(page).toHaveURL(/\/login\?next=%2Finbox$/);
});

test("a wrong password shows a clear error and keeps the email", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(DEMO.admin);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();

  await expect(page.getByRole("alert")).toHaveText("That email and password do not match. Check them and try again.");
  await expect(page.getByLabel("Email")).toHaveValue(DEMO.admin);
  await expect(page).toHaveURL(/\/login$/);
});

test("missing fields are named before anything is sent", async ({ page }) => {
  await page.goto("/login");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Enter a valid email address.")).toBeVisible();
  await expect(page.getByText("Enter your password.")).toBeVisible();
});

test("staff of another gym see only their own workspace", async ({ page, data }) => {
  const { user, workspaceName } = await data.memberOfNewWorkspace("agent");
  await page.goto("/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("workspace-name")).toHaveText(workspaceName);
});
