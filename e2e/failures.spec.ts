import { randomUUID } from "node:crypto";
import { messengerText, newMid } from "../dev/meta/webhooks";
import { connectPages, expect, facebookUserWithPages, gymWithPage, meta, signInAs, test } from "./fixtures";

test("a failed reply is marked in the list; a single momentary 5xx is retried by itself", async ({ page, data }) => {
  const gym = await gymWithPage({ page, data });
  await gym.memberWrites("Is the sauna open?");
  await page.reload();
  const row = page.getByTestId("conversation-row").first();
  await row.click();

  await meta.fail({ pathIncludes: `/${gym.pageId}/messages`, status: 503 });
  await page.getByLabel("Reply").fill("Yes, until 9");
  await page.getByLabel("Reply").press("Enter");
  const sent = page.getByTestId("message").filter({ hasText: "Yes, until 9" });
  await expect(sent.getByTestId("message-status")).toHaveAttribute("data-status", "sent");
  expect(await meta.calls(`/${gym.pageId}/messages`)).toHaveLength(2);
  await expect(row.getByTestId("failed-send-marker")).toHaveCount(0);

  await meta.fail({ pathIncludes: `/${gym.pageId}/messages`, status: 500, times: 2 });
  await page.getByLabel("Reply").fill("And the pool until 8");
  await page.getByLabel("Reply").press("Enter");
  const failed = page.getByTestId("message").filter({ hasText: "And the pool until 8" });
  await expect(failed.getByTestId("message-status")).toHaveAttribute("data-status", "failed");
  await expect(row.getByTestId("failed-send-marker")).toHaveText("! Not sent");
  await failed.getByRole("button", { name: "Retry" }).click();
  await expect(failed.getByTestId("message-status")).toHaveAttribute("data-status", "sent");
  await expect(row.getByTestId("failed-send-marker")).toHaveCount(0);
});

test("after a 190 the reply waits for an admin; once the channel is reconnected, Retry is back and the banners go", async ({
  page,
  data,
  newContext,
}) => {
  const name = `Downtown ${randomUUID().slice(0, 4)}`;
  const admin = await data.createUser("admin");
  const agent = await data.createUser("agent");
  await data.createWorkspace(`Gym ${randomUUID().slice(0, 5)}`, [
    { user: admin, role: "admin" },
    { user: agent, role: "agent" },
  ]);
  const adminContext = await newContext();
  const adminPage = await adminContext.newPage();
  const facebook = await facebookUserWithPages(adminPage, [name]);
  const pageId = facebook.pages[0]?.id ?? "";
  await signInAs(adminPage, admin);
  await adminPage.goto("/settings/channels");
  await connectPages(adminPage, [name], [name]);

  await meta.webhook(messengerText({ pageId, psid: `psid-${randomUUID()}`, text: "Do you have towels?", mid: newMid() }));
  await signInAs(page, agent);
  await page.getByTestId("conversation-row").first().click();
  await meta.fail({ pathIncludes: `/${pageId}/messages`, code: 190 });
  await page.getByLabel("Reply").fill("Yes, at the front desk");
  await page.getByLabel("Reply").press("Enter");
  const bubble = page.getByTestId("message").filter({ hasText: "Yes, at the front desk" });
  await expect(bubble.getByTestId("send-failure")).toContainText("reconnect");
  await expect(bubble.getByRole("button", { name: "Retry" })).toHaveCount(0);
  await expect(page.getByTestId("thread-channel-alert")).toBeVisible();
  await expect(page.getByTestId("channel-health")).toBeVisible();

  await adminPage.reload();
  await connectPages(adminPage, [name], [name], adminPage.getByRole("button", { name: "Reconnect" }));
  // Without a reload: both banners go, and Retry is offered.
  await expect(page.getByTestId("channel-health")).toHaveCount(0);
  await expect(page.getByTestId("thread-channel-alert")).toHaveCount(0);
  await bubble.getByRole("button", { name: "Retry" }).click();
  await expect(bubble.getByTestId("message-status")).toHaveAttribute("data-status", "sent");
  await adminContext.close();
});
