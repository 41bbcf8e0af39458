import { randomUUID } from "node:crypto";
import { messengerReceipt, messengerText, newMid } from "../dev/meta/webhooks";
import { expect, gymWithPage, meta, signInAs, test } from "./fixtures";

test("a member writes, the agent opens and replies, and the ticks follow Meta's receipts", async ({ page, data }) => {
  const gym = await gymWithPage({ page, data });
  const psid = `psid-${randomUUID()}`;
  expect((await meta.webhook(messengerText({ pageId: gym.pageId, psid, text: "Is the 6am spin class still on?" }))).status).toBe(
    200,
  );

  await page.reload();
  const row = page.getByTestId("conversation-row").filter({ hasText: "Is the 6am spin class still on?" });
  await expect(row.getByTestId("unread-badge")).toHaveText("1 unread");
  await page.screenshot({ path: "e2e/artifacts/inbox-list.png" });

  await row.click();
  await expect(page.getByRole("region", { name: /Conversation with/ })).toContainText("Is the 6am spin class still on?");
  await expect(row.getByTestId("unread-badge")).toHaveCount(0);

  await page.getByLabel("Reply").fill("Yes! See you there");
  await page.getByLabel("Reply").press("Enter");
  const bubble = page.getByTestId("message").filter({ hasText: "Yes! See you there" });
  await expect(bubble.getByTestId("message-status")).toHaveAttribute("data-status", "sent");
  const calls = await meta.calls(`/${gym.pageId}/messages`);
  expect(calls).toHaveLength(1);
  expect(calls[0]?.body).toMatchObject({ recipient: { id: psid }, message: { text: "Yes! See you there" } });
  await page.screenshot({ path: "e2e/artifacts/inbox-thread.png" });

  const [sent] = await data.sql()<{ provider_message_id: string }[]>`
    select provider_message_id from public.messages where channel_account_id = ${gym.channelId} and direction = 'outbound'`;
  await meta.webhook(messengerReceipt({ pageId: gym.pageId, psid, kind: "delivery", mids: [sent?.provider_message_id ?? ""] }));
  await expect(bubble.getByTestId("message-status")).toHaveAttribute("data-status", "delivered");
  await meta.webhook(messengerReceipt({ pageId: gym.pageId, psid, kind: "read" }));
  await expect(bubble.getByTestId("message-status")).toHaveAttribute("data-status", "read");
});

test("a provider 5xx that persists shows a failed bubble, and Retry sends it once", async ({ page, data }) => {
  const gym = await gymWithPage({ page, data });
  await meta.webhook(messengerText({ pageId: gym.pageId, psid: `psid-${randomUUID()}`, text: "hello?", mid: newMid() }));
  await page.reload();
  await page.getByTestId("conversation-row").first().click();
  // Twice: one momentary 5xx is tried again by itself.
  await meta.fail({ pathIncludes: `/${gym.pageId}/messages`, status: 500, times: 2 });
  await page.getByLabel("Reply").fill("Coming right up");
  await page.getByRole("button", { name: "Send" }).click();
  const bubble = page.getByTestId("message").filter({ hasText: "Coming right up" });
  await expect(bubble.getByTestId("message-status")).toHaveAttribute("data-status", "failed");
  await bubble.getByRole("button", { name: "Retry" }).click();
  await expect(bubble.getByTestId("message-status")).toHaveAttribute("data-status", "sent");
  expect(await meta.calls(`/${gym.pageId}/messages`)).toHaveLength(3);
});

test("past the window the composer is closed and says why", async ({ page, data }) => {
  const { workspaceId, user } = await data.memberOfNewWorkspace("agent");
  const { conversationId } = await data.createConversation(workspaceId, { lastInboundAt: new Date(Date.now() - 3 * 86_400_000) });
  await signInAs(page, user);
  await page.goto(`/inbox/${conversationId}`);
  await expect(page.getByTestId("composer-closed")).toContainText("The 24-hour reply window closed");
  await expect(page.getByLabel("Reply")).toHaveCount(0);
});

test("past the window a Messenger reply goes only with the message tag the agent chose, and Meta gets that tag", async ({
  page,
  data,
}) => {
  const { workspaceId, user } = await data.memberOfNewWorkspace("agent");
  const { conversationId, channelAccountId } = await data.createConversation(workspaceId, {
    lastInboundAt: new Date(Date.now() - 3 * 86_400_000),
  });
  const [channel] = await data.sql()<{ pageId: string }[]>`
    select provider_account_id as "pageId" from public.channel_accounts where id = ${channelAccountId}`;
  await signInAs(page, user);
  await page.goto(`/inbox/${conversationId}`);
  const tagged = page.getByRole("form", { name: "Message tag" });
  await tagged.getByLabel("Message to send with the tag").fill("Your card was declined: update it at the desk.");
  await expect(tagged.getByRole("button", { name: "Send with tag" })).toBeDisabled();
  await expect(tagged).toContainText("never a promotion");
  await tagged.getByRole("radio", { name: /Account update/ }).check();
  await tagged.getByRole("button", { name: "Send with tag" }).click();
  const bubble = page.getByTestId("message").filter({ hasText: "Your card was declined" });
  await expect(bubble.getByTestId("message-status")).toHaveAttribute("data-status", "sent");
  const [call] = await meta.calls(`/${channel?.pageId}/messages`);
  expect(call?.body).toMatchObject({ messaging_type: "MESSAGE_TAG", tag: "ACCOUNT_UPDATE" });
});

test("assign, status and archive round-trip", async ({ page, data }) => {
  const { workspaceId, user } = await data.memberOfNewWorkspace("admin");
  const { conversationId } = await data.createConversation(workspaceId, { contactName: "Dana Reyes" });
  await signInAs(page, user);
  await page.goto(`/inbox/${conversationId}`);
  const details = page.getByRole("complementary", { name: "Contact details" });
  await page.setViewportSize({ width: 1400, height: 900 });
  await details.getByLabel("Assignee").selectOption({ label: `${user.email} (you)` });
  await details.getByLabel("Status").selectOption("pending");
  await details.getByRole("button", { name: "Archive (e)" }).click();
  await expect(details.getByRole("button", { name: "Unarchive" })).toBeVisible();
  await expect
    .poll(
      async () =>
        (
          await data.sql()`select status, assignee_id, archived_at is not null as archived from public.conversations where id = ${conversationId}`
        )[0],
    )
    .toEqual({ status: "pending", assignee_id: user.id, archived: true });
});

test("another workspace's conversation URL shows not found", async ({ page, data }) => {
  const other = await data.memberOfNewWorkspace("admin");
  const { conversationId } = await data.createConversation(other.workspaceId, { contactName: "Someone Else" });
  const { user } = await data.memberOfNewWorkspace("admin");
  await signInAs(page, user);
  await page.goto(`/inbox/${conversationId}`);
  await expect(page.getByRole("alert")).toContainText("Conversation not found");
  await expect(page.getByText("Someone Else")).toHaveCount(0);
});

test("empty and error states", async ({ page, data }) => {
  const { user } = await data.memberOfNewWorkspace("agent");
  await signInAs(page, user);
  await expect(page.getByText("No conversations")).toBeVisible();
  await page.screenshot({ path: "e2e/artifacts/inbox-empty.png" });

  await page.route("**/api/trpc/conversations.list**", (route) => route.fulfill({ status: 500, body: "{}" }));
  await page.getByLabel("Search conversations").fill("zumba");
  await expect(page.getByRole("alert")).toContainText("Could not reach Frontdesk");
  await page.screenshot({ path: "e2e/artifacts/inbox-error.png" });
  await page.unroute("**/api/trpc/conversations.list**");
  await page.getByRole("button", { name: "Retry" }).click();
  await expect(page.getByText("No conversations")).toBeVisible();
});

test("at phone width one panel shows at a time", async ({ page, data }) => {
  const { workspaceId, user } = await data.memberOfNewWorkspace("agent");
  await data.createConversation(workspaceId, { contactName: "Phone Person" });
  await page.setViewportSize({ width: 390, height: 800 });
  await signInAs(page, user);
  await page.getByTestId("conversation-row").first().click();
  await expect(page.getByRole("navigation", { name: "Conversations" })).toBeHidden();
  await expect(page.getByLabel("Reply")).toBeVisible();
  await page.getByRole("button", { name: "Details" }).click();
  await expect(page.getByRole("complementary", { name: "Contact details" })).toBeVisible();
  await expect(page.getByLabel("Reply")).toBeHidden();
});
