import { expect, gymWithPage, test } from "./fixtures";

test("the unread total shows in the header and the tab title, and follows new messages live", async ({ page, data }) => {
  const gym = await gymWithPage({ page, data }, "agent");
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-state", "live");
  await expect(page.getByTestId("unread-total")).toHaveCount(0);
  await gym.memberWrites("One");
  await gym.memberWrites("Two");
  await expect(page.getByTestId("unread-total")).toHaveText("2 unread");
  await expect(page).toHaveTitle("(2) Inbox · Frontdesk");
  await page.getByTestId("conversation-row").filter({ hasText: "Two" }).click();
  await expect(page.getByTestId("unread-total")).toHaveText("1 unread");
  await expect(page).toHaveTitle("(1) Conversation · Frontdesk");
});

test("a lost network says Offline at once; a reply written meanwhile shows, waits, and goes when it is back", async ({
  page,
  data,
  context,
}) => {
  const gym = await gymWithPage({ page, data }, "agent");
  await gym.memberWrites("Are you open?");
  await page.reload();
  await page.getByTestId("conversation-row").first().click();
  await expect(page.getByRole("region", { name: /Conversation with/ })).toContainText("Are you open?");
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-state", "live");

  await context.setOffline(true);
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-state", "offline", { timeout: 2_000 });
  await page.getByLabel("Reply").fill("Yes, until 10");
  await page.getByLabel("Reply").press("Enter");
  const bubble = page.getByTestId("message").filter({ hasText: "Yes, until 10" });
  await expect(bubble.getByTestId("message-status")).toHaveAttribute("data-status", "pending");
  await expect(bubble.getByTestId("message-status")).toContainText("Waiting for connection");

  await context.setOffline(false);
  await expect(bubble.getByTestId("message-status")).toHaveAttribute("data-status", "sent");
  await expect(page.getByTestId("message").filter({ hasText: "Yes, until 10" })).toHaveCount(1);
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-state", "live", { timeout: 15_000 });
});
