import { whatsappText } from "../dev/meta/webhooks";
import { expect, gymWithTemplates, meta, metaUrl, signInAs, test } from "./fixtures";

test("a manager broadcasts a template to a tag: the reach says who is skipped and why, progress reaches done, the recipients match what Meta got, and STOP opts a member out", async ({
  page,
  data,
}) => {
  const { user, workspaceId, ...number } = await gymWithTemplates({ data }, "manager");
  const suffix = Date.now().toString().slice(-6);
  const members = [
    { name: "Alex Vip", waId: `1555100${suffix}` },
    { name: "Blair Vip", waId: `1555200${suffix}` },
    { name: "Casey Vip", waId: `1555300${suffix}` },
    { name: "Dale Other", waId: `1555400${suffix}` },
  ];
  for (const member of members) {
    await meta.webhook(whatsappText({ phoneNumberId: number.phoneNumberId, waId: member.waId, name: member.name, text: "Hi" }));
  }
  await expect
    .poll(async () => (await data.sql()`select 1 from public.contacts where workspace_id = ${workspaceId}`).length)
    .toBe(4);
  // Three wear "vip"; Casey opted out of marketing; the gym's follow_up template is a marketing one here.
  await data.sql()`
    with tag as (insert into public.tags (workspace_id, name) values (${workspaceId}, 'vip') returning id)
    insert into public.contact_tags (workspace_id, contact_id, tag_id)
    select ${workspaceId}, ct.id, tag.id from public.contacts ct, tag
    where ct.workspace_id = ${workspaceId} and ct.display_name like '%Vip'`;
  await data.sql()`update public.contacts set marketing_opted_out_at = now()
                   where workspace_id = ${workspaceId} and display_name = 'Casey Vip'`;
  await data.sql()`update public.whatsapp_templates set category = 'MARKETING' where workspace_id = ${workspaceId} and name = 'follow_up'`;
  await fetch(`${metaUrl()}/__numbers/${number.phoneNumberId}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ statuses: ["sent", "delivered", "read"], statusGapMs: 50 }),
  });

  await signInAs(page, user);
  await page.goto("/broadcasts");
  await expect(page.getByText("No broadcasts yet.")).toBeVisible();
  await page.getByRole("link", { name: "New broadcast" }).first().click();
  await page.getByLabel("Name").fill("Holiday hours");
  await page.getByRole("button", { name: "Create draft" }).click();
  await expect(page).toHaveURL(/\/broadcasts\/[0-9a-f-]{36}$/);

  const reach = page.getByTestId("reach");
  await expect(reach).toContainText("4 members will get it");
  await page.getByLabel("vip").check();
  await expect(reach).toContainText("3 members will get it");
  // A marketing template is not for members who opted out of marketing.
  await page.getByRole("combobox", { name: "Approved template" }).selectOption({ label: "follow_up (en_US, marketing)" });
  await expect(reach).toContainText("2 members will get it");
  await expect(reach).toContainText("1 skipped: Opted out of marketing");
  await page.getByLabel("{{1}}").fill("{{contact.first_name}}");
  await page.getByLabel("For members without {{contact.first_name}}, use").fill("there");
  await expect(page.getByTestId("broadcast-preview")).toContainText("Hi Alex, thanks for getting in touch");
  await page.getByRole("button", { name: "Send", exact: true }).click();

  await expect(page.getByTestId("broadcast-status")).toHaveText("done", { timeout: 15_000 });
  await expect(page.getByTestId("count-read")).toHaveText("2", { timeout: 15_000 });
  await expect(page.getByTestId("count-skipped")).toHaveText("1");
  const rows = page.getByTestId("recipient-row");
  await expect(rows).toHaveCount(3);
  await expect(rows.filter({ hasText: "Casey Vip" })).toContainText("Opted out of marketing");
  await expect(rows.filter({ hasText: "Alex Vip" }).getByTestId("recipient-status")).toHaveText("Read");

  // What Meta got: one template each to the two reachable members, with their own first names.
  const sends = (await meta.calls(`/${number.phoneNumberId}/messages`)) as {
    body: { to?: string; type?: string; template?: { components?: { parameters?: { text?: string }[] }[] } };
  }[];
  expect(
    sends.map((send) => [send.body.to, send.body.type, send.body.template?.components?.[0]?.parameters?.[0]?.text]).sort(),
  ).toEqual([
    [members[0]?.waId, "template", "Alex"],
    [members[1]?.waId, "template", "Blair"],
  ]);

  // Dale replies STOP: opted out, and told so by the bot.
  await meta.webhook(
    whatsappText({ phoneNumberId: number.phoneNumberId, waId: members[3]?.waId ?? "", name: "Dale Other", text: "STOP" }),
  );
  await expect
    .poll(async () => {
      const [row] = await data.sql()<{ out: boolean }[]>`
        select marketing_opted_out_at is not null as out from public.contacts where workspace_id = ${workspaceId} and display_name = 'Dale Other'`;
      return row?.out;
    })
    .toBe(true);
  await expect
    .poll(async () =>
      ((await meta.calls(`/${number.phoneNumberId}/messages`)) as { body: { to?: string; text?: { body?: string } } }[]).some(
        (send) => send.body.to === members[3]?.waId && /Reply START/.test(send.body.text?.body ?? ""),
      ),
    )
    .toBe(true);
});
