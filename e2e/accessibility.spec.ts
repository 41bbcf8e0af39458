import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, gymWithPage, gymWithTemplates, signInAs, test } from "./fixtures";

/** Serious and critical WCAG A/AA violations on the page as it is now. */
async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
}

test("sign-in, inbox, thread and channels have no serious or critical accessibility violations", async ({ page, data }) => {
  // Nine pages, each loaded and scanned: past the default 30 s on a busy machine.
  test.slow();
  await page.goto("/login");
  expect(await seriousViolations(page)).toEqual([]);

  const gym = await gymWithPage({ page, data });
  await gym.memberWrites("Hi, is the pool open?");
  await page.reload();
  await expect(page.getByTestId("conversation-row")).toHaveCount(1);
  expect(await seriousViolations(page)).toEqual([]);

  await page.getByTestId("conversation-row").first().click();
  await page.getByLabel("Reply").fill("Yes");
  await page.getByLabel("Reply").press("Enter");
  await expect(page.getByTestId("message-status")).toHaveAttribute("data-status", "sent");
  expect(await seriousViolations(page)).toEqual([]);

  await page.goto("/settings/channels");
  await expect(page.getByTestId("channel-row")).toHaveCount(1);
  expect(await seriousViolations(page)).toEqual([]);

  await page.goto("/settings/team");
  await page.getByLabel("Email").fill("coach@frontdesk.test");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByTestId("team-invite")).toHaveCount(1);
  expect(await seriousViolations(page)).toEqual([]);

  await page.goto("/account");
  await expect(page.getByRole("heading", { name: "Your account" })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  await page.goto("/settings/replies");
  await page.getByLabel("Shortcut").fill("hours");
  await page.getByLabel("Text").fill("We open at 6.");
  await page.getByRole("button", { name: "Add saved reply" }).click();
  await expect(page.getByTestId("saved-reply")).toHaveCount(1);
  expect(await seriousViolations(page)).toEqual([]);
});

test("the password reset pages have no serious or critical accessibility violations", async ({ page }) => {
  await page.goto("/forgot-password");
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole("button", { name: "Send the link" }).click();
  await expect(page.getByText("Enter a valid email address.")).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

test("sign-up, a spent confirmation link, and founding a gym have no serious or critical accessibility violations", async ({
  page,
  data,
}) => {
  await page.goto("/signup");
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter a valid email address.")).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await page.goto("/auth/confirm?token_hash=spent&type=email");
  await expect(page.getByRole("heading", { name: "This link no longer works" })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  const user = await data.createUser("founder");
  await page.goto("/login?next=/welcome");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Set up your gym" })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

test("keyboard: a skip link to the list, a visible focus on rows, and ? lists every shortcut", async ({ page, data }) => {
  const { user, workspaceId } = await data.memberOfNewWorkspace("agent");
  await data.createConversation(workspaceId, { contactName: "Keyboard Kim" });
  await signInAs(page, user);
  // The list loads after the page does; a Tab before its rows exist would skip past them.
  await expect(page.getByTestId("conversation-row").first()).toBeVisible();
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to the conversations" });
  await expect(skip).toBeFocused();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  const row = page.getByTestId("conversation-row").first();
  await expect(row).toBeFocused();
  // A ring of at least 2 px, not the browser's faint default.
  const ring = await row.evaluate((node) => getComputedStyle(node).boxShadow);
  expect(ring).toMatch(/2px/);

  await page.keyboard.press("?");
  const sheet = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(sheet).toBeVisible();
  await expect(sheet).toContainText("Next / previous conversation");
  await page.keyboard.press("Escape");
  await expect(sheet).toBeHidden();
});

test("the template picker, its form and Settings → Templates have no serious or critical accessibility violations", async ({
  page,
  data,
}) => {
  const { user, workspaceId, ...number } = await gymWithTemplates({ data });
  const { conversationId } = await data.createConversation(workspaceId, {
    channelAccountId: number.channelAccountId,
    lastInboundAt: new Date(Date.now() - 2 * 86_400_000),
  });
  await signInAs(page, user);
  await page.goto(`/inbox/${conversationId}`);
  await expect(page.getByTestId("template-reply").getByRole("button", { name: /follow_up/ })).toBeEnabled();
  expect(await seriousViolations(page)).toEqual([]);
  await page
    .getByTestId("template-reply")
    .getByRole("button", { name: /class_reminder/ })
    .click();
  await expect(page.getByTestId("template-preview")).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  await page.goto("/settings/templates");
  await expect(page.getByTestId("template")).toHaveCount(6);
  expect(await seriousViolations(page)).toEqual([]);
});

test("the contacts page, the board, a contact's page, importing and Settings → Contacts have no serious or critical accessibility violations", async ({
  page,
  data,
}) => {
  const gym = await gymWithPage({ page, data });
  await gym.memberWrites("Hi, how much is a membership?");
  await page.goto("/contacts");
  await expect(page.getByTestId("contact-row")).toHaveCount(1);
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByTestId("contact-row").getByRole("link").click();
  await expect(page.getByTestId("contact-conversation")).toHaveCount(1);
  expect(await seriousViolations(page)).toEqual([]);
  await page.goto("/contacts/board");
  await expect(page.getByTestId("board-column")).toHaveCount(4);
  expect(await seriousViolations(page)).toEqual([]);
  await page.goto("/contacts/import");
  await expect(page.getByLabel("CSV file")).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await page.goto("/settings/contacts");
  await expect(page.getByTestId("stage-setting")).toHaveCount(4);
  expect(await seriousViolations(page)).toEqual([]);
});

test("the broadcasts list, a draft's editor and a sent broadcast's progress have no serious or critical accessibility violations", async ({
  page,
  data,
}) => {
  const { user, workspaceId, ...number } = await gymWithTemplates({ data }, "manager");
  const sam = await data.createConversation(workspaceId, {
    channelAccountId: number.channelAccountId,
    contactName: "Sam Member",
  });
  const [plan] = await data.sql()<{ id: string }[]>`
    insert into public.contact_fields (workspace_id, key, label, type, options, position)
    values (${workspaceId}, 'plan', 'Plan', 'select', '{Gold,Silver}', 1) returning id`;
  await data.sql()`update public.contacts set custom_fields = jsonb_build_object(${plan?.id ?? ""}::text, 'Gold') where id = ${sam.contactId}`;
  await signInAs(page, user);
  await page.goto("/broadcasts");
  await expect(page.getByText("No broadcasts yet.")).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await page.goto("/broadcasts/new");
  await page.getByLabel("Name").fill("Class changes");
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole("button", { name: "Create draft" }).click();
  await expect(page).toHaveURL(/\/broadcasts\/[0-9a-f-]{36}$/);
  await page.getByRole("combobox", { name: "Approved template" }).selectOption({ label: "follow_up (en_US, utility)" });
  await page.getByLabel("{{1}}").fill("{{contact.first_name}}");
  await page.getByLabel("For members without {{contact.first_name}}, use").fill("there");
  await expect(page.getByTestId("reach")).toContainText("1 member will get it");
  await page.getByLabel("Whose").selectOption("Plan");
  await page.getByLabel("Plan is").selectOption("Silver");
  await expect(page.getByTestId("reach")).toContainText("0 members will get it");
  await page.getByLabel("Plan is").selectOption("Gold");
  await expect(page.getByTestId("reach")).toContainText("1 member will get it");
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await expect(page.getByTestId("broadcast-status")).toHaveText("done", { timeout: 15_000 });
  await expect(page.getByTestId("recipient-row")).toHaveCount(1);
  expect(await seriousViolations(page)).toEqual([]);
  await page.goto("/broadcasts");
  await expect(page.getByRole("link", { name: "Class changes" })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});
