import { randomUUID } from "node:crypto";
import { messengerText, newMid } from "../dev/meta/webhooks";
import { expect, meta, signInAs, test } from "./fixtures";

test("a reply Meta never answers shows 'not confirmed yet', then 'may have been delivered', and goes again only when asked", async ({
  page,
  data,
  baseURL,
}) => {
  const { user, workspaceId } = await data.memberOfNewWorkspace("agent", `Gym ${randomUUID().slice(0, 5)}`);
  const channelId = await data.createChannel(workspaceId, "messenger");
  const [channel] = await data.sql()<{ provider_account_id: string }[]>`
    select provider_account_id from public.channel_accounts where id = ${channelId}`;
  const pageId = channel?.provider_account_id ?? "";
  await meta.webhook(messengerText({ pageId, psid: `psid-${randomUUID()}`, text: "Are you open on Sunday?", mid: newMid() }));
  await signInAs(page, user);
  await page.getByTestId("conversation-row").first().click();

  await meta.fail({ pathIncludes: `/${pageId}/messages`, hang: true });
  await page.getByLabel("Reply").fill("Yes, 8 to 4");
  await page.getByLabel("Reply").press("Enter");
  const bubble = page.getByTestId("message").filter({ hasText: "Yes, 8 to 4" });
  // Meta's timeout passes (2 s here): not a failure yet, and nothing to retry that could send it twice.
  await expect(bubble.getByTestId("message-status")).toContainText("Not confirmed yet", { timeout: 15_000 });
  await expect(bubble.getByRole("button", { name: "Retry" })).toHaveCount(0);
  // The worker settles it when its confirmation is due (3 s here, a minute in production); the thread follows live.
  await expect(bubble.getByTestId("message-status")).toHaveAttribute("data-status", "failed", { timeout: 15_000 });
  await expect(bubble.getByTestId("send-failure")).toContainText("may have been delivered");

  // Still serving: a fresh load of the inbox and the health check answer.
  expect((await fetch(`${baseURL}/healthz`)).status).toBe(200);
  await page.reload();
  await expect(bubble.getByTestId("message-status")).toHaveAttribute("data-status", "failed");

  // Retry asks first, then sends once.
  await bubble.getByRole("button", { name: "Retry" }).click();
  await bubble.getByRole("button", { name: "Send again" }).click();
  await expect(bubble.getByTestId("message-status")).toHaveAttribute("data-status", "sent");
  expect(await meta.calls(`/${pageId}/messages`)).toHaveLength(2);
});
