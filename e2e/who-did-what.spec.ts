import { randomUUID } from "node:crypto";
import { messengerText, newMid } from "../dev/meta/webhooks";
import { expect, meta, signInAs, test } from "./fixtures";

test("replies name who sent them; an agent sees themself as 'you' and can take a conversation", async ({
  page,
  data,
  newContext,
}) => {
  const casey = await data.createUser("casey");
  const robin = await data.createUser("robin");
  const workspaceId = await data.createWorkspace(`Gym ${randomUUID().slice(0, 5)}`, [
    { user: casey, role: "agent" },
    { user: robin, role: "agent" },
  ]);
  const channelId = await data.createChannel(workspaceId, "messenger");
  const [channel] = await data.sql()<{ provider_account_id: string }[]>`
    select provider_account_id from public.channel_accounts where id = ${channelId}`;
  await meta.webhook(
    messengerText({
      pageId: channel?.provider_account_id ?? "",
      psid: `psid-${randomUUID()}`,
      text: "Who can help?",
      mid: newMid(),
    }),
  );
  await signInAs(page, casey);
  await page.getByTestId("conversation-row").first().click();
  await expect(page.getByTestId("conversation-meta")).toContainText("Unassigned");
  await page.getByRole("button", { name: "Assign to me" }).first().click();
  await expect(page.getByTestId("conversation-meta")).toContainText("Assigned to you");
  await page.getByLabel("Reply").fill("I can!");
  await page.getByLabel("Reply").press("Enter");
  const mine = page.getByTestId("message").filter({ hasText: "I can!" });
  await expect(mine.getByTestId("message-sender")).toHaveText("You ·");

  const robinContext = await newContext();
  const robinPage = await robinContext.newPage();
  await signInAs(robinPage, robin);
  await robinPage.getByTestId("conversation-row").first().click();
  await expect(robinPage.getByTestId("conversation-meta")).toContainText(`Assigned to ${casey.email}`);
  await expect(robinPage.getByTestId("message").filter({ hasText: "I can!" }).getByTestId("message-sender")).toHaveText(
    `${casey.email} ·`,
  );
  // Agents do not take what a colleague has.
  await expect(robinPage.getByRole("button", { name: "Assign to me" })).toHaveCount(0);
  await robinContext.close();
});

test("filters are kept in the URL: a reload, or a link, shows the same list", async ({ page, data }) => {
  const { user, workspaceId } = await data.memberOfNewWorkspace("agent");
  await data.createConversation(workspaceId, { contactName: "Pending Pat", status: "pending", unreadCount: 2 });
  await data.createConversation(workspaceId, { contactName: "Open Olive" });
  await signInAs(page, user);
  await page.getByLabel("Status").selectOption("pending");
  await page.getByLabel("Unread").check();
  await expect(page).toHaveURL(/status=pending/);
  await expect(page).toHaveURL(/unread=1/);
  await page.reload();
  await expect(page.getByLabel("Status")).toHaveValue("pending");
  await expect(page.getByLabel("Unread")).toBeChecked();
  await expect(page.getByTestId("conversation-row")).toHaveCount(1);
  await page.getByTestId("conversation-row").first().click();
  // Opening a conversation keeps them.
  await expect(page).toHaveURL(/status=pending/);
});
