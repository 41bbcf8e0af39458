import { randomUUID } from "node:crypto";
import type { Page, WebSocketRoute } from "@playwright/test";
import { messengerText, newMid } from "../dev/meta/webhooks";
import { expect, type Fixtures, meta, signInAs, test } from "./fixtures";

/** Well under the polling fallback's 4 s (thread) and 10 s (list): what arrives this fast came live. */
const LIVE_MS = 2_500;

/** A gym with two agents on it, each signed in in their own browser. */
async function gymWithTwoAgents({ page, data, newContext }: { page: Page } & Fixtures) {
  const ana = await data.createUser("ana");
  const ben = await data.createUser("ben");
  const workspaceId = await data.createWorkspace(`Gym ${randomUUID().slice(0, 5)}`, [
    { user: ana, role: "admin" },
    { user: ben, role: "agent" },
  ]);
  const channelId = await data.createChannel(workspaceId, "messenger");
  const [channel] = await data.sql()<{ provider_account_id: string }[]>`
    select provider_account_id from public.channel_accounts where id = ${channelId}`;
  const benContext = await newContext();
  const benPage = await benContext.newPage();
  await signInAs(page, ana);
  await signInAs(benPage, ben);
  return { pageId: channel?.provider_account_id ?? "", anaPage: page, benPage, close: () => benContext.close() };
}

const liveStatus = (page: Page) => page.getByTestId("live-status");
const row = (page: Page, text: string) => page.getByTestId("conversation-row").filter({ hasText: text });
const thread = (page: Page) => page.getByRole("region", { name: /Conversation with/ });

test("a member's message and agent A's reply reach agent B's list and thread without a reload", async ({
  page,
  data,
  newContext,
}) => {
  const gym = await gymWithTwoAgents({ page, data, newContext });
  const { anaPage, benPage } = gym;
  await expect(liveStatus(anaPage)).toHaveAttribute("data-state", "live");
  await expect(liveStatus(benPage)).toHaveAttribute("data-state", "live");

  const psid = `psid-${randomUUID()}`;
  await meta.webhook(messengerText({ pageId: gym.pageId, psid, text: "Can I freeze my membership?", mid: newMid() }));
  await expect(row(anaPage, "Can I freeze my membership?")).toBeVisible({ timeout: LIVE_MS });
  await expect(row(benPage, "Can I freeze my membership?")).toBeVisible({ timeout: LIVE_MS });

  await row(benPage, "Can I freeze my membership?").click();
  await row(anaPage, "Can I freeze my membership?").click();
  await expect(thread(benPage)).toContainText("Can I freeze my membership?");

  await anaPage.getByLabel("Reply").fill("Yes, up to 3 months a year");
  await anaPage.getByLabel("Reply").press("Enter");
  await expect(thread(benPage).getByTestId("message").filter({ hasText: "Yes, up to 3 months a year" })).toBeVisible({
    timeout: LIVE_MS,
  });
  await expect(row(benPage, "Yes, up to 3 months a year")).toBeVisible({ timeout: LIVE_MS });

  await meta.webhook(messengerText({ pageId: gym.pageId, psid, text: "Great, from December please", mid: newMid() }));
  await expect(thread(benPage)).toContainText("Great, from December please", { timeout: LIVE_MS });
  await expect(thread(anaPage)).toContainText("Great, from December please", { timeout: LIVE_MS });
  await benPage.screenshot({ path: "e2e/artifacts/realtime-agent-b.png" });
  await gym.close();
});

test("with the websocket cut, updates still arrive by polling and the indicator says so; after reconnect nothing is missing", async ({
  page,
  data,
}) => {
  let cut = false;
  const open: WebSocketRoute[] = [];
  await page.routeWebSocket(/\/realtime\/v1\/websocket/, (socket) => {
    if (cut) {
      socket.close({ code: 1006 });
      return;
    }
    socket.connectToServer();
    open.push(socket);
  });
  const { user, workspaceId } = await data.memberOfNewWorkspace("agent", `Gym ${randomUUID().slice(0, 5)}`);
  const channelId = await data.createChannel(workspaceId, "messenger");
  const [channel] = await data.sql()<{ provider_account_id: string }[]>`
    select provider_account_id from public.channel_accounts where id = ${channelId}`;
  const pageId = channel?.provider_account_id ?? "";
  await signInAs(page, user);
  await expect(liveStatus(page)).toHaveAttribute("data-state", "live");

  const psid = `psid-${randomUUID()}`;
  await meta.webhook(messengerText({ pageId, psid, text: "First, while live", mid: newMid() }));
  await row(page, "First, while live").click();
  await expect(thread(page)).toContainText("First, while live");

  cut = true;
  for (const socket of open.splice(0)) await socket.close({ code: 1006 });
  await expect(liveStatus(page)).toHaveAttribute("data-state", "offline");
  await expect(liveStatus(page)).toContainText("Offline");

  // Polling: the open thread every 4 s, the list every 10 s.
  await meta.webhook(messengerText({ pageId, psid, text: "Second, while offline", mid: newMid() }));
  await expect(thread(page)).toContainText("Second, while offline", { timeout: 8_000 });
  const otherPsid = `psid-${randomUUID()}`;
  await meta.webhook(messengerText({ pageId, psid: otherPsid, text: "A new member while offline", mid: newMid() }));
  await expect(row(page, "A new member while offline")).toBeVisible({ timeout: 15_000 });

  // Right before the socket comes back: only the resync after reconnect can bring these in time.
  await meta.webhook(messengerText({ pageId, psid, text: "Third, just before reconnect", mid: newMid() }));
  await meta.webhook(messengerText({ pageId, psid: otherPsid, text: "Fourth, from the new member", mid: newMid() }));
  cut = false;
  await expect(liveStatus(page)).toHaveAttribute("data-state", "live", { timeout: 20_000 });
  await expect(thread(page)).toContainText("Third, just before reconnect", { timeout: LIVE_MS });
  await expect(row(page, "Fourth, from the new member")).toBeVisible({ timeout: LIVE_MS });
  for (const text of ["First, while live", "Second, while offline", "Third, just before reconnect"]) {
    await expect(thread(page).getByTestId("message").filter({ hasText: text })).toHaveCount(1);
  }

  // And live again.
  await meta.webhook(messengerText({ pageId, psid, text: "Fifth, live again", mid: newMid() }));
  await expect(thread(page)).toContainText("Fifth, live again", { timeout: LIVE_MS });
});
