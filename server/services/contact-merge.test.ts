import { describe, expect, it } from "vitest";
import { messengerText, whatsappText } from "../../dev/meta/webhooks";
import { eventually } from "../../dev/test/eventually";
import { callerFor, channelForWebhooks, sendWebhook, superuserSql } from "../../dev/test/fixtures";

/** One member who writes on WhatsApp and on Instagram: two contacts until staff merge them. */
async function memberOnTwoChannels() {
  const gym = await channelForWebhooks("whatsapp");
  const igAccount = `${Date.now()}${Math.floor(Math.random() * 1e6)}`;
  await superuserSql()`
    insert into public.channel_accounts (workspace_id, provider, provider_account_id, display_name)
    values (${gym.workspaceId}, 'instagram', ${igAccount}, 'Gym IG')`;
  const waId = `4477009${Math.floor(Math.random() * 1e5)}`;
  const igsid = `ig${Math.floor(Math.random() * 1e9)}`;
  const onWhatsApp = (text: string) => whatsappText({ phoneNumberId: gym.providerAccountId, waId, name: "Dana", text });
  const onInstagram = (text: string) => messengerText({ pageId: igAccount, psid: igsid, text, object: "instagram" });
  for (const payload of [onWhatsApp("hi on WhatsApp"), onInstagram("hi on Instagram")])
    expect((await sendWebhook(payload)).status).toBe(200);
  const contacts = await eventually(
    () => superuserSql()<{ id: string; provider: string }[]>`
      select ct.id, ca.provider::text from public.contacts ct
      join public.contact_identities ci on ci.contact_id = ct.id join public.channel_accounts ca on ca.id = ci.channel_account_id
      where ct.workspace_id = ${gym.workspaceId}`,
    (rows) => rows.length === 2,
  );
  const id = (provider: string) => contacts.find((c) => c.provider === provider)?.id ?? "";
  return { ...gym, whatsappContactId: id("whatsapp"), instagramContactId: id("instagram"), onWhatsApp, onInstagram };
}

describe("merging two contacts", () => {
  it("loses and duplicates no message while both members write during the merge, each webhook delivered twice", async () => {
    const member = await memberOnTwoChannels();
    const caller = await callerFor(member.session.access_token);
    const burst = Array.from({ length: 15 }, (_, i) => [member.onWhatsApp(`wa ${i}`), member.onInstagram(`ig ${i}`)]).flat();
    const deliveries = burst.flatMap((payload) => [payload, payload]).map((payload) => sendWebhook(payload));
    const merged = caller.contacts.merge({ keptId: member.whatsappContactId, duplicateId: member.instagramContactId });
    const answers = await Promise.all(deliveries);
    expect(await merged).toMatchObject({ success: true, data: { id: member.whatsappContactId } });
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));

    const rows = await eventually(
      () => superuserSql()<{ contactId: string; provider: string; messages: number; distinctIds: number }[]>`
        select c.contact_id as "contactId", ca.provider::text, count(m.id)::int as messages,
               count(distinct m.provider_message_id)::int as "distinctIds"
        from public.conversations c join public.channel_accounts ca on ca.id = c.channel_account_id
        left join public.messages m on m.conversation_id = c.id
        where c.workspace_id = ${member.workspaceId} group by 1, 2 order by 2`,
      (found) => found.reduce((sum, row) => sum + row.messages, 0) >= 32,
    );
    expect(rows).toEqual([
      { contactId: member.whatsappContactId, provider: "instagram", messages: 16, distinctIds: 16 },
      { contactId: member.whatsappContactId, provider: "whatsapp", messages: 16, distinctIds: 16 },
    ]);
    const [left] =
      await superuserSql()`select count(*)::int as n from public.contacts where workspace_id = ${member.workspaceId}`;
    expect(left?.n).toBe(1);
    const unprocessed = await superuserSql()`
      select outcome from public.webhook_events where workspace_id = ${member.workspaceId} and outcome <> 'processed'`;
    expect(unprocessed).toEqual([]);
  });

  it("keeps the chosen values, joins notes and tags, and a second merge finds nothing to merge", async () => {
    const member = await memberOnTwoChannels();
    const admin = await callerFor(member.session.access_token);
    const field = await admin.contactFields.save({ workspaceId: member.workspaceId, key: "plan", label: "Plan", type: "text" });
    const fieldId = field.success ? field.data.id : "";
    await admin.contacts.update({ contactId: member.whatsappContactId, notes: "Knee injury", email: "dana@old.test" });
    await admin.contacts.update({ contactId: member.instagramContactId, notes: "Wants mornings", email: "dana@new.test" });
    await admin.contacts.setFields({ contactId: member.instagramContactId, values: { [fieldId]: "Gold" } });
    await admin.contacts.tag({ workspaceId: member.workspaceId, contactIds: [member.instagramContactId], name: "vip" });
    const merged = await admin.contacts.merge({
      keptId: member.whatsappContactId,
      duplicateId: member.instagramContactId,
      choices: { email: "duplicate" },
    });
    expect(merged).toMatchObject({
      success: true,
      data: {
        email: "dana@new.test",
        notes: "Knee injury\n\nWants mornings",
        customFields: { [fieldId]: "Gold" },
        tags: [{ name: "vip" }],
        providers: ["instagram", "whatsapp"],
      },
    });
    const timeline = await admin.contacts.timeline({ contactId: member.whatsappContactId });
    expect(timeline).toMatchObject({ success: true, data: { conversations: [{}, {}] } });
    expect(timeline.success && timeline.data.timeline.map((entry) => entry.kind)).toContain("merged");
    expect(
      await admin.contacts.merge({ keptId: member.whatsappContactId, duplicateId: member.instagramContactId }),
    ).toMatchObject({
      success: false,
      error: { code: "NOT_FOUND" },
    });
  });
});
