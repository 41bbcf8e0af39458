import { messengerText, newMid, whatsappText } from "../dev/meta/webhooks";
import { expect, meta, signInAs, test } from "./fixtures";

/** Members as a CRM: tags from the card, the filtered contacts page, the board, one person across channels. */
test("tag from the card, filter the contacts page by it, drag the contact to Trial on the board", async ({ page, data }) => {
  const { user, workspaceId } = await data.memberOfNewWorkspace("manager", "Tag Gym");
  const channelId = await data.createChannel(workspaceId, "whatsapp");
  const [channel] = await data.sql()<
    { id: string }[]
  >`select provider_account_id as id from public.channel_accounts where id = ${channelId}`;
  const phoneNumberId = channel?.id ?? "";
  for (const [waId, name] of [
    ["447700900201", "Dana Reyes"],
    ["447700900202", "Sam Okafor"],
  ] as const) {
    expect((await meta.webhook(whatsappText({ phoneNumberId, waId, name, text: "Hi!" }))).status).toBe(200);
  }
  await signInAs(page, user);
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.getByTestId("conversation-row").filter({ hasText: "Dana Reyes" }).click();
  const details = page.getByRole("complementary", { name: "Contact details" });
  await details.getByLabel("Add a tag").fill("Early bird");
  await details.getByLabel("Add a tag").press("Enter");
  await expect(details.getByRole("listitem").filter({ hasText: "Early bird" })).toBeVisible();

  await page.getByRole("link", { name: "Contacts", exact: true }).click();
  await expect(page.getByTestId("contact-row")).toHaveCount(2);
  await page.getByLabel("Tag", { exact: true }).selectOption({ label: "Early bird" });
  await expect(page.getByTestId("contact-row")).toHaveCount(1);
  await expect(page.getByTestId("contact-row")).toContainText("Dana Reyes");
  await expect(page).toHaveURL(/tag=/);

  await page.getByRole("link", { name: "Board" }).click();
  const card = page.getByTestId("board-card").filter({ hasText: "Dana Reyes" });
  const trial = page.getByRole("region", { name: "Trial" });
  // Contacts start outside the pipeline; put Dana in Enquiry from the list first, then drag her on.
  await expect(page.getByTestId("board-card")).toHaveCount(0);
  await page.goto("/contacts");
  await page.getByLabel("Select Dana Reyes").check();
  await page.getByLabel("Move to").selectOption({ label: "Enquiry" });
  await expect(page.getByTestId("toast")).toContainText("Moved 1 contacts.");
  await page.goto("/contacts/board");
  await card.dragTo(trial);
  await expect(trial.getByTestId("board-card")).toContainText("Dana Reyes");
  await expect(page.getByRole("region", { name: "Enquiry" }).getByTestId("board-card")).toHaveCount(0);
  await expect
    .poll(
      async () =>
        (
          await data.sql()`
      select s.name from public.contacts ct join public.pipeline_stages s on s.id = ct.stage_id
      where ct.workspace_id = ${workspaceId} and ct.display_name = 'Dana Reyes'`
        )[0]?.name,
    )
    .toBe("Trial");
  await page.reload();
  await expect(trial.getByTestId("board-card")).toContainText("Dana Reyes");
  const [event] = await data.sql()`
    select detail ->> 'fromName' as "from", detail ->> 'toName' as "to" from public.contact_events
    where workspace_id = ${workspaceId} and kind = 'stage_changed' order by id desc limit 1`;
  expect(event).toEqual({ from: "Enquiry", to: "Trial" });
});

test("merge a member's WhatsApp and Instagram contacts: both conversations under one contact", async ({ page, data }) => {
  const { user, workspaceId } = await data.memberOfNewWorkspace("admin", "Merge Gym");
  const whatsapp = await data.createChannel(workspaceId, "whatsapp");
  const instagram = await data.createChannel(workspaceId, "instagram");
  const ids = await data.sql()<{ id: string; provider: string }[]>`
    select provider_account_id as id, provider::text from public.channel_accounts where id in (${whatsapp}, ${instagram})`;
  const account = (provider: string) => ids.find((row) => row.provider === provider)?.id ?? "";
  await meta.webhook(
    whatsappText({ phoneNumberId: account("whatsapp"), waId: "447700900301", name: "Priya", text: "WhatsApp hello" }),
  );
  await meta.webhook(
    messengerText({
      pageId: account("instagram"),
      psid: "ig-priya",
      text: "Instagram hello",
      mid: newMid(),
      object: "instagram",
    }),
  );
  await signInAs(page, user);
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto("/contacts");
  await expect(page.getByTestId("contact-row")).toHaveCount(2);
  // The Instagram contact gets Priya's phone: now they look like the same person.
  await page.getByTestId("contact-row").filter({ hasNotText: "Priya" }).getByRole("link").click();
  await page.getByLabel("Phone").fill("+44 7700 900301");
  await page.getByRole("button", { name: "Save details" }).click();
  await expect(page.getByTestId("toast")).toContainText("Contact saved.");
  const suggestion = page.getByTestId("duplicate-suggestion");
  await expect(suggestion).toContainText("same phone");
  await suggestion.getByRole("button", { name: "Merge…" }).click();
  await page.getByRole("dialog", { name: "Merge contacts" }).getByRole("button", { name: "Merge contacts" }).click();
  await expect(page.getByTestId("toast")).toContainText("Contacts merged");
  await expect(page.getByTestId("contact-conversation")).toHaveCount(2);
  await expect(page.getByRole("list", { name: "Identities" }).getByRole("listitem")).toHaveCount(2);

  await page.goto("/contacts");
  await expect(page.getByTestId("contact-row")).toHaveCount(1);
  const rows = await data.sql()`
    select count(distinct contact_id)::int as contacts, count(*)::int as conversations from public.conversations
    where workspace_id = ${workspaceId}`;
  expect(rows).toEqual([{ contacts: 1, conversations: 2 }]);
  // A member writing again afterwards lands in the same contact's conversation.
  await meta.webhook(
    messengerText({ pageId: account("instagram"), psid: "ig-priya", text: "Still me", mid: newMid(), object: "instagram" }),
  );
  await expect
    .poll(
      async () => (await data.sql()`select count(*)::int as n from public.contacts where workspace_id = ${workspaceId}`)[0]?.n,
    )
    .toBe(1);
});

test("import a CSV with one invalid row (reported, the rest imported) and export it back", async ({ page, data }) => {
  const { user } = await data.memberOfNewWorkspace("manager", "Import Gym");
  await signInAs(page, user);
  await page.goto("/contacts");
  await page.getByRole("link", { name: "Import from CSV" }).click();
  const csv = [
    "Name,Phone,Email,Tags",
    "Dana Reyes,+44 7700 900401,dana@example.test,vip",
    "Sam Okafor,not a number,sam@example.test,",
    "Priya Shah,+44 7700 900403,,vip; morning",
  ].join("\n");
  await page.getByLabel("CSV file").setInputFiles({ name: "members.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await expect(page.getByLabel("Phone goes to")).toHaveValue("phone");
  await expect(page.getByLabel("Tags goes to")).toHaveValue("tags");
  await page.getByRole("button", { name: "Check the first rows" }).click();
  await expect(page.getByText("Of the first 3 rows, 2 will be imported and 1 refused.")).toBeVisible();
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByTestId("import-status")).toHaveText("Import finished.", { timeout: 20_000 });
  await expect(page.getByTestId("import-counts")).toHaveText("2 created · 0 updated · 0 skipped · 1 refused");
  await expect(page.getByTestId("import-failure")).toHaveText(/^Row 3: Phone: “not a number” is not a phone number/);

  await page.getByRole("link", { name: "See the contacts" }).click();
  await expect(page.getByTestId("contact-row")).toHaveCount(2);
  await page.getByLabel("Tag", { exact: true }).selectOption({ label: "morning" });
  await expect(page.getByTestId("contact-row")).toHaveCount(1);
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export these contacts (CSV)" }).click();
  const file = await (await download).createReadStream();
  let text = "";
  for await (const chunk of file) text += chunk;
  const lines = text.trim().split("\n");
  expect(lines[0]).toBe("Name,Phone,Email,Stage,Tags,Notes,Channels,Last contact,Created");
  expect(lines.slice(1).map((line) => line.split(",").slice(0, 5).join(","))).toEqual([
    "Priya Shah,+447700900403,,,morning; vip",
  ]);
});
