import { randomUUID } from "node:crypto";
import type { Page } from "@playwright/test";
import type { SimulatedUser } from "../dev/meta/accounts";
import { messengerText, newMid } from "../dev/meta/webhooks";
import { connectPages, expect, facebookUserWithPages, meta, metaUrl, signInAs, test } from "./fixtures";

const subscriptions = async () =>
  ((await (await fetch(`${metaUrl()}/__subscriptions`)).json()) as { pages: Record<string, string[]> }).pages;
const channelRow = (page: Page, name: string) => page.getByTestId("channel-row").filter({ hasText: name });

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

test("a Page another gym has connected is refused with a clear message, and stays theirs", async ({ page, data, newContext }) => {
  const name = `Shared ${randomUUID().slice(0, 4)}`;
  const facebook = await facebookUserWithPages(page, [name]);
  const owner = await data.memberOfNewWorkspace("admin", `Owner Gym ${randomUUID().slice(0, 4)}`);
  await signInAs(page, owner.user);
  await page.goto("/settings/channels");
  await connectPages(page, [name], [name]);

  const rivalContext = await newContext();
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

test("the WhatsApp form names what is missing, trims pasted ids, and never saves an account Meta has not confirmed", async ({
  page,
  data,
}) => {
  const number = (
    (await (
      await fetch(`${metaUrl()}/__test-users`, { method: "POST", body: JSON.stringify({ name: "WA Owner", whatsapp: 1 }) })
    ).json()) as SimulatedUser
  ).whatsapp[0];
  if (!number) throw new Error("the simulator made no number");
  const { user } = await data.memberOfNewWorkspace("admin", `Gym ${randomUUID().slice(0, 4)}`);
  await signInAs(page, user);
  await page.goto("/settings/channels");
  const form = page.getByRole("region", { name: "Connect a WhatsApp number" });
  await form.getByRole("button", { name: "Connect WhatsApp number" }).click();
  await expect(form.getByText("Enter the phone number id.")).toBeVisible();
  await expect(form.getByText("Enter the WhatsApp Business Account id.")).toBeVisible();
  await expect(form.getByText("Enter the permanent token.")).toBeVisible();

  await form.getByLabel("Phone number id").fill(` ${number.phoneNumberId} `);
  await form.getByLabel("WhatsApp Business Account id").fill("102290129349999");
  await form.getByLabel("Permanent token").fill(number.token);
  await form.getByRole("button", { name: "Connect WhatsApp number" }).click();
  const wabaError = form.getByText(/WhatsApp Business Account/).and(page.locator("#wabaId-error"));
  await expect(wabaError).toBeVisible();
  await expect(wabaError).toHaveCSS("color", "rgb(185, 28, 28)");
  await expect(form.getByLabel("Phone number id")).toHaveValue(` ${number.phoneNumberId} `);
  await expect(page.getByTestId("channel-row")).toHaveCount(0);

  await form.getByLabel("WhatsApp Business Account id").fill(`${number.wabaId} `);
  await form.getByRole("button", { name: "Connect WhatsApp number" }).click();
  await expect(form.getByRole("status")).toContainText("is connected");
  await expect(page.getByTestId("channel-row").getByTestId("channel-status")).toHaveText("Active");
});

test("disconnecting a Page says it takes its Instagram along; disconnected channels offer Reconnect and Remove", async ({
  page,
  data,
}) => {
  const name = `Linked ${randomUUID().slice(0, 4)}`;
  const response = await fetch(`${metaUrl()}/__test-users`, {
    method: "POST",
    body: JSON.stringify({ name: "Gym Owner", pages: [{ name, instagram: true }] }),
  });
  const facebook = (await response.json()) as SimulatedUser;
  await page.goto(`${metaUrl()}/__login-as/${facebook.id}`);
  const { user } = await data.memberOfNewWorkspace("admin", `Gym ${randomUUID().slice(0, 4)}`);
  await signInAs(page, user);
  await page.goto("/settings/channels");
  await connectPages(page, [name], [name]);
  const pageRow = page.getByTestId("channel-row").filter({ hasText: "Messenger" });
  const instagram = facebook.pages[0]?.instagram;

  await pageRow.getByRole("button", { name: "Disconnect" }).click();
  await expect(pageRow.getByTestId("disconnect-warning")).toContainText(`also disconnects @${instagram?.username} (Instagram)`);
  await pageRow.getByRole("button", { name: `Disconnect ${name}` }).click();
  await expect(page.getByTestId("channel-row").filter({ hasText: "Disconnected" })).toHaveCount(2);
  await expect(pageRow).toContainText("disconnected just now");
  await expect(pageRow).not.toContainText("connected just now ·");
  await expect(pageRow.getByRole("button", { name: "Reconnect" })).toBeVisible();

  // Gone from the inbox's channel filter.
  await page.goto("/inbox");
  await expect(page.getByLabel("Channel").locator("option")).toHaveText(["All channels"]);

  await page.goto("/settings/channels");
  await pageRow.getByRole("button", { name: "Remove" }).click();
  await expect(pageRow.getByTestId("remove-warning")).toHaveText("This deletes 0 conversations and their messages for good.");
  await pageRow.getByRole("button", { name: `Remove ${name}` }).click();
  await expect(page.getByTestId("channel-row").filter({ hasText: "Messenger" })).toHaveCount(0);
});
