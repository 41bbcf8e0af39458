import { expect, gymWithPage, test } from "./fixtures";

test("a half-written reply stays with its conversation, across switching and a reload; sending clears it", async ({
  page,
  data,
}) => {
  const gym = await gymWithPage({ page, data }, "agent");
  await gym.memberWrites("First member here");
  await gym.memberWrites("Second member here");
  await page.reload();
  const row = (text: string) => page.getByTestId("conversation-row").filter({ hasText: text });

  await row("First member here").click();
  await page.getByLabel("Reply").fill("Half a thought for the first");
  await row("Second member here").click();
  await expect(page.getByLabel("Reply")).toHaveValue("");
  await page.getByLabel("Reply").fill("Something for the second");
  await row("First member here").click();
  await expect(page.getByLabel("Reply")).toHaveValue("Half a thought for the first");
  await page.reload();
  await expect(page.getByLabel("Reply")).toHaveValue("Half a thought for the first");

  await page.getByLabel("Reply").press("Enter");
  await expect(page.getByTestId("message").filter({ hasText: "Half a thought for the first" })).toBeVisible();
  await expect(page.getByLabel("Reply")).toHaveValue("");
  await page.reload();
  await expect(page.getByLabel("Reply")).toHaveValue("");
});

test("unsaved notes are kept and flagged; a long paste is counted against the channel's limit, never cut", async ({
  page,
  data,
}) => {
  const gym = await gymWithPage({ page, data }, "agent");
  await gym.memberWrites("Hello there");
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.reload();
  await page.getByTestId("conversation-row").first().click();

  const details = page.getByRole("complementary", { name: "Contact details" });
  await details.getByLabel("Notes").fill("Knee injury, no squats");
  await expect(details.getByText("Unsaved changes.")).toBeVisible();
  await page.reload();
  await expect(details.getByLabel("Notes")).toHaveValue("Knee injury, no squats");
  await expect(details.getByText("Unsaved changes.")).toBeVisible();

  const paste = "x".repeat(2520);
  await page.getByLabel("Reply").fill(paste);
  await expect(page.getByLabel("Reply")).toHaveValue(paste);
  await expect(page.getByTestId("composer-counter")).toHaveText("Too long for Messenger: 2,520 of 2,000 characters.");
  await expect(page.getByRole("button", { name: "Send" })).toBeDisabled();
  await page.getByLabel("Reply").fill("x".repeat(1900));
  await expect(page.getByTestId("composer-counter")).toHaveText("1,900 / 2,000");
  await expect(page.getByRole("button", { name: "Send" })).toBeEnabled();
});

test("Escape leaves the reply box, so j and k move through the list instead of typing", async ({ page, data }) => {
  const gym = await gymWithPage({ page, data }, "agent");
  await gym.memberWrites("Older member");
  await gym.memberWrites("Newer member");
  await page.reload();
  await page.getByTestId("conversation-row").filter({ hasText: "Newer member" }).click();
  await page.getByLabel("Reply").click();
  await page.keyboard.type("Draft");
  await page.keyboard.press("Escape");
  await page.keyboard.press("j");
  await expect(page.getByRole("region", { name: /Conversation with/ })).toContainText("Older member");
  await page.keyboard.press("k");
  await expect(page.getByRole("region", { name: /Conversation with/ })).toContainText("Newer member");
  await expect(page.getByLabel("Reply")).toHaveValue("Draft");
});

test("with Unread ticked, the conversation you open stays in place until you move on", async ({ page, data }) => {
  const gym = await gymWithPage({ page, data }, "agent");
  await gym.memberWrites("Unread one");
  await gym.memberWrites("Unread two");
  await gym.memberWrites("Unread three");
  await page.reload();
  await page.getByLabel("Unread").check();
  const rows = page.getByTestId("conversation-row");
  await expect(rows).toHaveCount(3);
  await rows.filter({ hasText: "Unread two" }).click();
  // Read now, yet still listed, selected, in its place.
  await expect(rows.nth(1)).toHaveAttribute("aria-current", "page");
  await expect(rows.nth(1)).toContainText("Unread two");
  await expect(rows.nth(1).getByTestId("unread-badge")).toHaveCount(0);
  await expect(rows).toHaveCount(3);
  await page.keyboard.press("j");
  await expect(page.getByRole("region", { name: /Conversation with/ })).toContainText("Unread one");
  // Moving on lets it go; the one now open is held instead.
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: "Unread two" })).toHaveCount(0);
});
