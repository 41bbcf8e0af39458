import { beforeAll, describe, expect, it } from "vitest";
import { addMessage, callerFor, createConversation, memberOfNewWorkspace, superuserSql } from "../../dev/test/fixtures";
import { type Tx, type UserClaims, withUser } from "../db/client";

/** Workspace A with one of everything; a signed-in admin of workspace B trying to reach it. */
let a: {
  workspaceId: string;
  conversationId: string;
  contactId: string;
  channelAccountId: string;
  userId: string;
  messageId: string;
  attemptId: string;
};
let intruder: { accessToken: string; claims: UserClaims; workspaceId: string };
let savedReplyId = "";
let templateId = "";
const emptyAudience = { tagIds: [], stageIds: [], lastInboundWithinDays: null, fields: [] };
let crm = { tagId: "", stageId: "", fieldId: "", otherContactId: "", importId: "", importPath: "", broadcastId: "" };

beforeAll(async () => {
  const owner = await memberOfNewWorkspace("admin");
  const conversation = await createConversation(owner.workspaceId, {
    unreadCount: 2,
    contactName: "Private Member",
    handle: "private.member",
  });
  const messageId = await addMessage(conversation.conversationId, { text: "private question" });
  await superuserSql()`
    insert into public.webhook_events (workspace_id, object, payload, outcome) values (${owner.workspaceId}, 'page', '{}', 'processed')`;
  await superuserSql()`
    insert into public.audit_logs (workspace_id, actor_user_id, entity, entity_id, action)
    values (${owner.workspaceId}, ${owner.user.id}, 'conversation', ${conversation.conversationId}, 'conversation.assigned')`;
  await superuserSql()`
    insert into public.pending_receipts (workspace_id, channel_account_id, provider_message_id, status, occurred_at)
    values (${owner.workspaceId}, ${conversation.channelAccountId}, 'm_early', 'delivered', now())`;
  const [attempt] = await superuserSql()<{ id: string }[]>`
    insert into public.channel_connect_attempts (workspace_id, user_id, callback_at, granted_pages)
    values (${owner.workspaceId}, ${owner.user.id}, now(), '[{"id":"1","name":"Private Page"}]') returning id`;
  await superuserSql()`
    insert into public.workspace_invites (workspace_id, email, role) values (${owner.workspaceId}, 'coach@frontdesk.test', 'agent')`;
  await superuserSql()`
    insert into public.notifications (workspace_id, user_id, kind, conversation_id)
    values (${owner.workspaceId}, ${owner.user.id}, 'assigned', ${conversation.conversationId})`;
  await superuserSql()`insert into public.notification_preferences (user_id, sound) values (${owner.user.id}, true)`;
  const [savedReply] = await superuserSql()<{ id: string }[]>`
    insert into public.saved_replies (workspace_id, shortcut, body) values (${owner.workspaceId}, 'hours', 'We open at 6')
    returning id`;
  savedReplyId = savedReply?.id ?? "";
  const [template] = await superuserSql()<{ id: string }[]>`
    insert into public.whatsapp_templates (workspace_id, waba_id, provider_template_id, name, language, category, status, components)
    values (${owner.workspaceId}, 'waba-private', '77', 'follow_up', 'en_US', 'UTILITY', 'APPROVED', '[{"type": "BODY", "text": "Hi {{1}}"}]')
    returning id`;
  templateId = template?.id ?? "";
  const [tag] = await superuserSql()<{ id: string }[]>`
    insert into public.tags (workspace_id, name) values (${owner.workspaceId}, 'Private tag') returning id`;
  const [stage] = await superuserSql()<{ id: string }[]>`
    select id from public.pipeline_stages where workspace_id = ${owner.workspaceId} order by position limit 1`;
  const [field] = await superuserSql()<{ id: string }[]>`
    insert into public.contact_fields (workspace_id, key, label, type, position) values (${owner.workspaceId}, 'plan', 'Plan', 'text', 1)
    returning id`;
  const [otherContact] = await superuserSql()<{ id: string }[]>`
    insert into public.contacts (workspace_id, display_name) values (${owner.workspaceId}, 'Private Member') returning id`;
  await superuserSql()`
    insert into public.contact_tags (workspace_id, contact_id, tag_id) values (${owner.workspaceId}, ${otherContact?.id ?? ""}, ${tag?.id ?? ""})`;
  await superuserSql()`
    insert into public.contact_events (workspace_id, contact_id, kind) values (${owner.workspaceId}, ${otherContact?.id ?? ""}, 'tagged')`;
  const importPath = `${owner.workspaceId}/imports/private.csv`;
  await superuserSql()`insert into storage.objects (bucket_id, name, metadata) values ('attachments', ${importPath}, '{"size": 10}')`;
  const [contactImport] = await superuserSql()<{ id: string }[]>`
    insert into public.contact_imports (workspace_id, file_path, file_name, mapping, match_on, mode)
    values (${owner.workspaceId}, ${importPath}, 'private.csv', '{"Phone": "phone"}', 'phone', 'create_only') returning id`;
  await superuserSql()`insert into public.contact_import_failures (import_id, workspace_id, row_number, problems)
                       values (${contactImport?.id ?? ""}, ${owner.workspaceId}, 2, '{"Private Member"}')`;
  const [broadcast] = await superuserSql()<{ id: string }[]>`
    insert into public.broadcasts (workspace_id, name, channel_account_id, body, status)
    values (${owner.workspaceId}, 'Private Member offer', ${conversation.channelAccountId}, 'Hi', 'draft') returning id`;
  await superuserSql()`
    insert into public.broadcast_recipients (broadcast_id, workspace_id, contact_id, status, reason)
    values (${broadcast?.id ?? ""}, ${owner.workspaceId}, ${conversation.contactId}, 'skipped', 'opted_out')`;
  await superuserSql()`
    insert into public.channel_send_pacing (channel_account_id, workspace_id) values (${conversation.channelAccountId}, ${owner.workspaceId})`;
  crm = {
    broadcastId: broadcast?.id ?? "",
    importId: contactImport?.id ?? "",
    importPath,
    tagId: tag?.id ?? "",
    stageId: stage?.id ?? "",
    fieldId: field?.id ?? "",
    otherContactId: otherContact?.id ?? "",
  };
  a = { workspaceId: owner.workspaceId, userId: owner.user.id, messageId, attemptId: attempt?.id ?? "", ...conversation };

  const other = await memberOfNewWorkspace("admin");
  await createConversation(other.workspaceId);
  intruder = {
    accessToken: other.session.access_token,
    claims: { sub: other.user.id, role: "authenticated" },
    workspaceId: other.workspaceId,
  };
});

describe("every procedure answers NOT_FOUND for another workspace's ids", () => {
  const calls: [string, (caller: Awaited<ReturnType<typeof callerFor>>) => Promise<unknown>][] = [
    ["channels.list", (c) => c.channels.list({ workspaceId: a.workspaceId })],
    ["channels.beginConnect", (c) => c.channels.beginConnect({ workspaceId: a.workspaceId })],
    ["channels.connectAttempt", (c) => c.channels.connectAttempt({ attemptId: a.attemptId })],
    ["channels.connectPages", (c) => c.channels.connectPages({ attemptId: a.attemptId, pageIds: ["100000000000001"] })],
    [
      "channels.connectWhatsApp",
      (c) =>
        c.channels.connectWhatsApp({
          workspaceId: a.workspaceId,
          phoneNumberId: "106540352242922",
          wabaId: "102290129340398",
          accessToken: "EAAG-some-token-of-theirs-123",
        }),
    ],
    ["channels.disconnect", (c) => c.channels.disconnect({ channelId: a.channelAccountId })],
    ["team.list", (c) => c.team.list({ workspaceId: a.workspaceId })],
    ["team.roster", (c) => c.team.roster({ workspaceId: a.workspaceId })],
    ["team.invite", (c) => c.team.invite({ workspaceId: a.workspaceId, email: "mole@frontdesk.test", role: "admin" })],
    ["team.changeRole", (c) => c.team.changeRole({ workspaceId: a.workspaceId, userId: a.userId, role: "agent" })],
    ["team.remove", (c) => c.team.remove({ workspaceId: a.workspaceId, userId: a.userId })],
    ["audit.list", (c) => c.audit.list({ workspaceId: a.workspaceId })],
    ["notifications.list", (c) => c.notifications.list({ workspaceId: a.workspaceId })],
    ["savedReplies.list", (c) => c.savedReplies.list({ workspaceId: a.workspaceId })],
    ["savedReplies.save", (c) => c.savedReplies.save({ workspaceId: a.workspaceId, shortcut: "pwned", body: "x" })],
    ["savedReplies.delete", (c) => c.savedReplies.delete({ id: savedReplyId })],
    ["templates.list", (c) => c.templates.list({ workspaceId: a.workspaceId })],
    ["templates.sync", (c) => c.templates.sync({ workspaceId: a.workspaceId })],
    [
      "messages.sendTemplate",
      (c) =>
        c.messages.sendTemplate({
          conversationId: a.conversationId,
          clientMessageId: crypto.randomUUID(),
          templateId,
          values: { "body.1": "Sam" },
        }),
    ],
    [
      "messages.addNote",
      (c) => c.messages.addNote({ conversationId: a.conversationId, clientMessageId: crypto.randomUUID(), text: "hi" }),
    ],
    ["conversations.list", (c) => c.conversations.list({ workspaceId: a.workspaceId })],
    ["conversations.list (search)", (c) => c.conversations.list({ workspaceId: a.workspaceId, search: "private" })],
    ["conversations.get", (c) => c.conversations.get({ conversationId: a.conversationId })],
    ["conversations.markRead", (c) => c.conversations.markRead({ conversationId: a.conversationId })],
    ["conversations.assign", (c) => c.conversations.assign({ conversationId: a.conversationId, assigneeId: null })],
    ["conversations.setStatus", (c) => c.conversations.setStatus({ conversationId: a.conversationId, status: "resolved" })],
    ["conversations.archive", (c) => c.conversations.archive({ conversationId: a.conversationId })],
    ["conversations.unarchive", (c) => c.conversations.unarchive({ conversationId: a.conversationId })],
    ["messages.list", (c) => c.messages.list({ conversationId: a.conversationId })],
    [
      "messages.send",
      (c) => c.messages.send({ conversationId: a.conversationId, clientMessageId: crypto.randomUUID(), text: "hi" }),
    ],
    ["messages.retry", (c) => c.messages.retry({ messageId: a.messageId })],
    ["contacts.get", (c) => c.contacts.get({ contactId: a.contactId })],
    ["contacts.update", (c) => c.contacts.update({ contactId: a.contactId, notes: "pwned" })],
    ["contacts.list", (c) => c.contacts.list({ workspaceId: a.workspaceId })],
    ["contacts.list (search)", (c) => c.contacts.list({ workspaceId: a.workspaceId, search: "private" })],
    ["contacts.stageCounts", (c) => c.contacts.stageCounts({ workspaceId: a.workspaceId })],
    ["contacts.tag", (c) => c.contacts.tag({ workspaceId: a.workspaceId, contactIds: [a.contactId], name: "Private tag" })],
    ["contacts.untag", (c) => c.contacts.untag({ workspaceId: a.workspaceId, contactIds: [a.contactId], tagId: crm.tagId })],
    [
      "contacts.setStage",
      (c) => c.contacts.setStage({ workspaceId: a.workspaceId, contactIds: [a.contactId], stageId: crm.stageId }),
    ],
    ["contacts.setFields", (c) => c.contacts.setFields({ contactId: a.contactId, values: { [crm.fieldId]: "pwned" } })],
    ["contacts.timeline", (c) => c.contacts.timeline({ contactId: a.contactId })],
    ["contacts.duplicates", (c) => c.contacts.duplicates({ contactId: a.contactId })],
    ["contacts.merge", (c) => c.contacts.merge({ keptId: a.contactId, duplicateId: crm.otherContactId })],
    ["tags.list", (c) => c.tags.list({ workspaceId: a.workspaceId })],
    ["tags.save", (c) => c.tags.save({ workspaceId: a.workspaceId, id: crm.tagId, name: "pwned" })],
    ["tags.delete", (c) => c.tags.delete({ id: crm.tagId })],
    ["stages.list", (c) => c.stages.list({ workspaceId: a.workspaceId })],
    ["stages.save", (c) => c.stages.save({ workspaceId: a.workspaceId, name: "pwned" })],
    ["stages.reorder", (c) => c.stages.reorder({ workspaceId: a.workspaceId, stageIds: [crm.stageId] })],
    ["stages.delete", (c) => c.stages.delete({ id: crm.stageId })],
    ["contactFields.list", (c) => c.contactFields.list({ workspaceId: a.workspaceId })],
    ["contactFields.save", (c) => c.contactFields.save({ workspaceId: a.workspaceId, key: "pwned", label: "x", type: "text" })],
    ["contactFields.delete", (c) => c.contactFields.delete({ id: crm.fieldId })],
    ["contactImports.preview", (c) => c.contactImports.preview({ workspaceId: a.workspaceId, storedPath: crm.importPath })],
    [
      "contactImports.start",
      (c) =>
        c.contactImports.start({
          workspaceId: a.workspaceId,
          storedPath: crm.importPath,
          fileName: "x.csv",
          mapping: { Phone: "phone" },
          defaultCountry: null,
          matchOn: "phone",
        }),
    ],
    ["contactImports.status", (c) => c.contactImports.status({ importId: crm.importId })],
    ["broadcasts.list", (c) => c.broadcasts.list({ workspaceId: a.workspaceId })],
    ["broadcasts.get", (c) => c.broadcasts.get({ broadcastId: crm.broadcastId })],
    ["broadcasts.save", (c) => c.broadcasts.save({ workspaceId: a.workspaceId, id: crm.broadcastId, name: "pwned" })],
    ["broadcasts.delete", (c) => c.broadcasts.delete({ broadcastId: crm.broadcastId })],
    [
      "broadcasts.reach",
      (c) =>
        c.broadcasts.reach({
          workspaceId: a.workspaceId,
          channelId: a.channelAccountId,
          audience: emptyAudience,
          templateId: null,
        }),
    ],
    ["broadcasts.start", (c) => c.broadcasts.start({ broadcastId: crm.broadcastId })],
    ["broadcasts.change", (c) => c.broadcasts.change({ broadcastId: crm.broadcastId, action: "cancel" })],
    ["broadcasts.retryFailed", (c) => c.broadcasts.retryFailed({ broadcastId: crm.broadcastId })],
    ["broadcasts.recipients", (c) => c.broadcasts.recipients({ broadcastId: crm.broadcastId })],
  ];

  it.each(calls)("%s", async (_name, call) => {
    const result = await call(await callerFor(intruder.accessToken));
    expect(result).toMatchObject({ success: false, error: { code: "NOT_FOUND" } });
    expect(JSON.stringify(result)).not.toContain("Private Member");
  });

  it("and changed nothing in workspace A", async () => {
    const [conversation] = await superuserSql()`
      select status, archived_at, unread_count from public.conversations where id = ${a.conversationId}`;
    expect(conversation).toEqual({ status: "open", archived_at: null, unread_count: 2 });
    const [contact] = await superuserSql()`
      select notes, stage_id, custom_fields, (select count(*)::int from public.contact_tags where contact_id = ${a.contactId}) as tags
      from public.contacts where id = ${a.contactId}`;
    expect(contact).toEqual({ notes: "", stage_id: null, custom_fields: {}, tags: 0 });
    const names = await superuserSql()`
      select (select array_agg(name order by name) from public.tags where workspace_id = ${a.workspaceId}) as tags,
             (select count(*)::int from public.pipeline_stages where workspace_id = ${a.workspaceId}) as stages,
             (select count(*)::int from public.contact_fields where workspace_id = ${a.workspaceId}) as fields,
             (select count(*)::int from public.contacts where id = ${crm.otherContactId}) as other`;
    expect(names).toEqual([{ tags: ["Private tag"], stages: 4, fields: 1, other: 1 }]);
  });
});

describe("SQL as authenticated with B's claims", () => {
  it("sees zero of A's rows in every public table, including tables added later", async () => {
    const tables = await superuserSql()<{ table: string; column: string }[]>`
      select c.relname as table,
             case c.relname when 'workspaces' then 'id' when 'notification_preferences' then 'user_id' else 'workspace_id' end
               as column
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p')`;
    expect(tables.length).toBeGreaterThanOrEqual(9);
    for (const { table, column } of tables) {
      // A person's own rows (their preferences) are theirs in every workspace: keyed by A's user.
      const owner = column === "user_id" ? a.userId : a.workspaceId;
      const total = await superuserSql().unsafe(`select count(*)::int as n from public.${table} where ${column} = $1`, [owner]);
      // A table user requests may not read at all (pending_receipts) shows nothing either.
      const seen = await withUser(intruder.claims, (tx) =>
        tx.unsafe(`select count(*)::int as n from public.${table} where ${column} = $1`, [owner]),
      ).catch((error: Error) => (/permission denied/.test(error.message) ? [{ n: 0 }] : Promise.reject(error)));
      expect({ table, seen: seen[0]?.n }).toEqual({ table, seen: 0 });
      expect({ table, exists: total[0]?.n > 0 }).toEqual({ table, exists: true });
    }
  });

  it("cannot write A's rows in any table", async () => {
    const attempts = [
      (tx: Tx) => tx`update public.conversations set status = 'resolved' where workspace_id = ${a.workspaceId} returning id`,
      (tx: Tx) => tx`update public.contacts set notes = 'x' where workspace_id = ${a.workspaceId} returning id`,
      (tx: Tx) =>
        tx`insert into public.audit_logs (workspace_id, actor_user_id, entity, action)
           values (${a.workspaceId}, ${intruder.claims.sub}, 'conversation', 'forged') returning id`,
      (tx: Tx) =>
        tx`insert into public.messages (workspace_id, conversation_id, channel_account_id, direction, sender, status)
           values (${a.workspaceId}, ${a.conversationId}, ${a.channelAccountId}, 'outbound', 'staff', 'sent') returning id`,
      (tx: Tx) => tx`delete from public.messages where workspace_id = ${a.workspaceId} returning id`,
      (tx: Tx) =>
        tx`update public.channel_accounts set status = 'disconnected' where workspace_id = ${a.workspaceId} returning id`,
      (tx: Tx) =>
        tx`insert into public.channel_accounts (workspace_id, provider, provider_account_id, display_name)
           values (${a.workspaceId}, 'messenger', 'planted', 'Planted') returning id`,
      (tx: Tx) => tx`update public.channel_connect_attempts set callback_at = now() where id = ${a.attemptId} returning id`,
      (tx: Tx) => tx`select * from app.sealed_token_for_admin('channel', ${a.channelAccountId})`,
      (tx: Tx) => tx`select * from app.sealed_token_for_admin('attempt', ${a.attemptId})`,
      // Webhook ingest writes into any workspace: only the edge function's service role may call it.
      (tx: Tx) => tx`select app.ingest_meta_webhook('page', '{}', '[]') as id`,
      (tx: Tx) => tx`select app.ingest_meta_webhooks(array['page'], array['{}'::jsonb], '[]') as id`,
      (tx: Tx) => tx`select * from app.apply_meta_events('[]')`,
    ];
    for (const attempt of attempts) {
      const outcome = await withUser(intruder.claims, attempt).then(
        (rows) => ({ rows: rows.length }),
        (error: Error) => ({ error: error.message }),
      );
      if ("rows" in outcome) expect(outcome.rows).toBe(0);
      else expect(outcome.error).toMatch(/permission denied|row-level security/);
    }
  });

  it("gets nothing from A's search function", async () => {
    const found = await withUser(
      intruder.claims,
      (tx) => tx`select id from app.search_conversation_page(${a.workspaceId}, '%private%', true, null, 'any', null, null,
                                                                 'anyone', null, false, null, null, 31)`,
    );
    expect(found).toHaveLength(0);
    const owner = await withUser(
      { sub: a.userId, role: "authenticated" },
      (tx) => tx`select id from app.search_conversation_page(${a.workspaceId}, '%private%', true, null, 'any', null, null,
                                                                 'anyone', null, false, null, null, 31)`,
    );
    expect(owner.map((row) => row.id)).toEqual([a.conversationId]);
    const contactSearch = (claims: UserClaims) =>
      withUser(claims, (tx) => tx`select id from app.search_contact_ids(${a.workspaceId}, '%private member%', null)`);
    expect(await contactSearch(intruder.claims)).toHaveLength(0);
    expect(await contactSearch({ sub: a.userId, role: "authenticated" })).toHaveLength(2);
    const handleSearch = (claims: UserClaims) =>
      withUser(claims, (tx) => tx`select contact_id from app.contact_ids_by_handle(${a.workspaceId}, '%private.member%')`);
    expect(await handleSearch(intruder.claims)).toHaveLength(0);
    expect(await handleSearch({ sub: a.userId, role: "authenticated" })).toHaveLength(1);
  });

  it("never exposes channel tokens, even to the workspace's own admin", async () => {
    const ownerClaims: UserClaims = { sub: a.userId, role: "authenticated" };
    await expect(withUser(ownerClaims, (tx) => tx`select access_token_ciphertext from public.channel_accounts`)).rejects.toThrow(
      "permission denied",
    );
  });
});
