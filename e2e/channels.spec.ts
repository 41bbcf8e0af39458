import { randomUUID } from "node:crypto";
import type { Page } from "@playwright/test";
import type { SimulatedUser } from "../dev/meta/accounts";
import { messengerText, newMid } from "../dev/meta/webhooks";
import { expect, meta, signInAs, test } from "./fixtures";

const metaUrl = () => process.env.E2E_META_URL ?? "";

async function facebookUserWithPages(page: Page, names: string[]): Promise<SimulatedUser> {
  const response = await fetch(`${metaUrl()}/__test-users`, {
    method: "POST",
    body: JSON.stringify({ name: "Gym Owner", pages: names.map((name) => ({ name })) }),
  });
  const user = (await response.json()) as SimulatedUser;
  // Like being logged in to Facebook in this browser: the simulator's dialog shows this user's Pages.
  await page.goto(`${metaUrl()}/__login-as/${user.id}`);
  return user;
}

const subscriptions = async () =>
  ((await (await fetch(`${metaUrl()}/__subscriptions`)).json()) as { pages: Record<string, string[]> }).pages;
const channelRow = (page: Page, name: string) => page.getByTestId("channel-row").filter({ hasText: name });

/** Settings → Connect with Facebook → grant exactly these Pages in Meta's dialog → connect them. */
async function connectPages(
  page: Page,
  allPages: string[],
  grant: string[],
  button = page.getByRole("button", { name: "Connect with Facebook" }),
) {
  await button.click();
  await expect(page).toHaveTitle("Log in with Facebook");
  for (const name of allPages) await page.getByLabel(name).setChecked(grant.includes(name));
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Choose the Pages to connect" })).toBeVisible();
  await page.getByRole("button", { name: `Connect ${grant.length} Page${grant.length === 1 ? "" : "s"}` }).click();
  for (const name of grant) await expect(page.getByRole("status").getByText(`${name} is connected.`)).toBeVisible();
  await page.getByRole("button", { name: "Done" }).click();
}

test("an admin connects two Pages, disconnects one, and reconnects the other after Meta rejects its token", async ({
  page,
  data,
}) => {
  const suffix = randomUUID().slice(0, 4);
  const [uptown, harbour] = [`Uptown ${suffix}`, `Harbour ${suffix}`];
  const facebook = await facebookUserWithPages(page, [uptown, harbour]);
  const [uptownPage, harbourPage] = facebook.pages;
  if (!uptownPage || !harbourPage) throw new Error("the simulator made no Pages");
  const { user } = await data.memberOfNewWorkspace("admin", `Gym ${suffix}`);
  await signInAs(page, user);
  await page.getByRole("link", { name: "Channels" }).click();
  await expect(page.getByText("No channels yet.")).toBeVisible();

  await connectPages(page, [uptown, harbour], [uptown]);
  await expect(channelRow(page, uptown).getByTestId("channel-status")).toHaveText("Active");
  await connectPages(page, [uptown, harbour], [harbour]);
  await expect(channelRow(page, harbour).getByTestId("channel-status")).toHaveText("Active");
  await expect(channelRow(page, uptown).getByTestId("channel-status")).toHaveText("Active");
  const subscribed = await subscriptions();
  expect(subscribed[uptownPage.id]).toContain("messages");
  expect(subscribed[harbourPage.id]).toContain("message_echoes");
  await page.screenshot({ path: "e2e/artifacts/settings-channels.png" });

  // A member writes to each Page: each lands under its own channel.
  for (const [pageId, text] of [
    [uptownPage.id, "Uptown: are you open on Sunday?"],
    [harbourPage.id, "Harbour: is there a sauna?"],
  ] as const) {
    await meta.webhook(messengerText({ pageId, psid: `psid-${randomUUID()}`, text, mid: newMid() }));
  }
  await page.getByRole("link", { name: "Back to the inbox" }).click();
  for (const [text, channel] of [
    ["Uptown: are you open on Sunday?", uptown],
    ["Harbour: is there a sauna?", harbour],
  ] as const) {
    await page.getByTestId("conversation-row").filter({ hasText: text }).click();
    await expect(page.getByRole("region", { name: /Conversation with/ }).locator("header")).toContainText(channel);
  }

  // Disconnect Uptown: its webhooks are no longer routed, its history stays.
  await page.getByRole("link", { name: "Channels" }).click();
  await channelRow(page, uptown).getByRole("button", { name: "Disconnect" }).click();
  await channelRow(page, uptown)
    .getByRole("button", { name: `Disconnect ${uptown}` })
    .click();
  await expect(channelRow(page, uptown).getByTestId("channel-status")).toHaveText("Disconnected");
  expect((await subscriptions())[uptownPage.id]).toBeUndefined();
  expect((await subscriptions())[harbourPage.id]).toBeDefined();
  const late = `Uptown after disconnect ${suffix}`;
  expect(
    (await meta.webhook(messengerText({ pageId: uptownPage.id, psid: `psid-${randomUUID()}`, text: late, mid: newMid() })))
      .status,
  ).toBe(200);
  const [event] = await data.sql()<{ outcome: string }[]>`
    select outcome from public.webhook_events where payload::text like ${`%${late}%`}`;
  expect(event?.outcome).toBe("unroutable");
  await page.getByRole("link", { name: "Back to the inbox" }).click();
  await expect(page.getByTestId("conversation-row").filter({ hasText: "Uptown: are you open on Sunday?" })).toBeVisible();
  await expect(page.getByTestId("conversation-row").filter({ hasText: late })).toHaveCount(0);

  // Meta rejects Harbour's token on a reply: the channel needs reconnecting, and reconnecting fixes it.
  await meta.fail({ pathIncludes: `/${harbourPage.id}/messages`, code: 190 });
  await page.getByTestId("conversation-row").filter({ hasText: "Harbour: is there a sauna?" }).click();
  await page.getByLabel("Reply").fill("Yes, next to the pool");
  await page.getByLabel("Reply").press("Enter");
  await expect(page.getByTestId("channel-health")).toContainText(`${harbour} needs reconnecting`);
  await page.getByTestId("channel-health").getByRole("link", { name: "Reconnect in Settings → Channels" }).click();
  await expect(channelRow(page, harbour).getByTestId("channel-status")).toHaveText("Needs reconnecting");
  await connectPages(page, [uptown, harbour], [harbour], channelRow(page, harbour).getByRole("button", { name: "Reconnect" }));
  await expect(channelRow(page, harbour).getByTestId("channel-status")).toHaveText("Active");
  await page.getByRole("link", { name: "Back to the inbox" }).click();
  await expect(page.getByTestId("workspace-name")).toBeVisible();
  await expect(page.getByTestId("channel-health")).toHaveCount(0);

  // No token ever reaches the browser: not in the inbox, not in settings.
  const tokens = (await (await fetch(`${metaUrl()}/__issued-tokens`)).json()) as string[];
  const inbox = await page.content();
  await page.getByRole("link", { name: "Channels" }).click();
  await expect(channelRow(page, harbour)).toBeVisible();
  for (const html of [inbox, await page.content()]) for (const token of tokens) expect(html.includes(token)).toBe(false);
});

test("a Page another gym has connected is refused with a clear message, and stays theirs", async ({ page, data, browser }) => {
  const name = `Shared ${randomUUID().slice(0, 4)}`;
  const facebook = await facebookUserWithPages(page, [name]);
  const owner = await data.memberOfNewWorkspace("admin", `Owner Gym ${randomUUID().slice(0, 4)}`);
  await signInAs(page, owner.user);
  await page.goto("/settings/channels");
  await connectPages(page, [name], [name]);

  const rivalContext = await browser.newContext({ baseURL: process.env.E2E_APP_URL });
  const rivalPage = await rivalContext.newPage();
  await rivalPage.goto(`${metaUrl()}/__login-as/${facebook.id}`);
  const rival = await data.memberOfNewWorkspace("admin", `Rival Gym ${randomUUID().slice(0, 4)}`);
  await signInAs(rivalPage, rival.user);
  await rivalPage.goto("/settings/channels");
  await rivalPage.getByRole("button", { name: "Connect with Facebook" }).click();
  await rivalPage.getByRole("button", { name: "Continue" }).click();
  await rivalPage.getByRole("button", { name: "Connect 1 Page" }).click();
  await expect(rivalPage.getByRole("alert")).toContainText(`${name} is already connected to another Frontdesk workspace`);
  await rivalPage.getByRole("button", { name: "Cancel" }).click();
  await expect(rivalPage.getByText("No channels yet.")).toBeVisible();
  await rivalContext.close();

  await page.reload();
  await expect(channelRow(page, name).getByTestId("channel-status")).toHaveText("Active");
});

test("agents see the channels but cannot change them", async ({ page, data }) => {
  const { user, workspaceId } = await data.memberOfNewWorkspace("agent", `Gym ${randomUUID().slice(0, 4)}`);
  await data.createChannel(workspaceId, "whatsapp");
  await signInAs(page, user);
  await page.goto("/settings/channels");
  await expect(page.getByText("Only admins can connect or disconnect channels.")).toBeVisible();
  await expect(page.getByTestId("channel-row")).toHaveCount(1);
  await expect(page.getByRole("button", { name: "Connect with Facebook" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Disconnect" })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Connect a WhatsApp number" })).toHaveCount(0);
});
