import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { addMessage, createConversation, createUser, createWorkspace, superuserSql, type TestUser } from "../dev/test/fixtures";
import { type Tx, type UserClaims, withUser } from "../server/db/client";

/**
 * What SQL as `authenticated` can do with each role's claims (DESIGN §13): the browser's access token reaches
 * the tables through the Data API on hosted Supabase, so this is the rule, not the services. Every public table
 * must appear in TABLES; every write a role may make goes through a function in FUNCTIONS.
 */

const ROLES = ["admin", "manager", "agent", "outsider"] as const;
type Role = (typeof ROLES)[number];

/** The gym: one of every row. The outsider is the admin of another workspace. */
let gym: {
  draftBroadcastId: string;
  sendingBroadcastId: string;
  whatsappChannelId: string;
  workspaceId: string;
  channelId: string;
  disconnectedChannelId: string;
  contactId: string;
  spareIdentityId: string;
  freeConversationId: string;
  /** A member's photo the worker gave up on. */
  unavailableMediaMessageId: string;
  /** A staff upload in the free conversation's outbound folder. */
  uploadedPath: string;
  /** An open invitation. */
  inviteId: string;
  savedReplyId: string;
  whatsappConversationId: string;
  approvedTemplateId: string;
  rejectedTemplateId: string;
  theirsConversationId: string;
  attemptId: string;
  /** The gym contact wears it. */
  tagId: string;
  stageId: string;
  /** A choice of Gold or Silver. */
  fieldId: string;
  /** Another contact with the gym contact's phone: a likely duplicate. */
  twinContactId: string;
  /** A CSV a manager uploaded to the imports folder, and an import of another. */
  importPath: string;
  importId: string;
};
const users = {} as Record<Role | "colleague", TestUser>;
const claimsOf = (role: Role | "colleague"): UserClaims => ({ sub: users[role].id, role: "authenticated" });

class Rollback extends Error {
  constructor(readonly outcome: string) {
    super("rollback");
  }
}

const REFUSED = /permission denied|row-level security/;

/** Runs one statement as the role in a transaction that is always rolled back, so cases cannot disturb each other. */
async function attempt(role: Role, statement: (tx: Tx) => Promise<unknown>, summarize: (result: unknown) => string) {
  try {
    await withUser(claimsOf(role), async (tx) => {
      throw new Rollback(summarize(await statement(tx)));
    });
    throw new Error("unreachable");
  } catch (error) {
    if (error instanceof Rollback) return error.outcome;
    if (REFUSED.test((error as Error).message)) return "denied";
    throw error;
  }
}

const rowsOrNone = (result: unknown) => ((result as unknown[]).length > 0 ? "yes" : "no");
const asRows = (tx: Tx, text: string) => tx.unsafe(text);

beforeAll(async () => {
  for (const role of [...ROLES, "colleague"] as const) users[role] = await createUser(role);
  const workspaceId = await createWorkspace("Role Matrix Gym", [
    { user: users.admin, role: "admin" },
    { user: users.manager, role: "manager" },
    { user: users.agent, role: "agent" },
    { user: users.colleague, role: "agent" },
  ]);
  await createWorkspace("Outsider Gym", [{ user: users.outsider, role: "admin" }]);
  const free = await createConversation(workspaceId, { unreadCount: 2 });
  const theirs = await createConversation(workspaceId, {
    channelAccountId: free.channelAccountId,
    assigneeId: users.colleague.id,
    status: "resolved",
  });
  await addMessage(free.conversationId, { text: "When do you open?" });
  const sql = superuserSql();
  const [givenUp] = await sql<{ id: string }[]>`
    insert into public.messages (workspace_id, conversation_id, channel_account_id, direction, sender, kind, attachments, status)
    values (${workspaceId}, ${free.conversationId}, ${free.channelAccountId}, 'inbound', 'member', 'image',
            '[{"type": "image", "mediaId": "1", "unavailable": "the file has expired at Meta"}]', 'delivered')
    returning id`;
  const uploadedPath = `${workspaceId}/outbound/${free.conversationId}/${randomUUID()}-timetable.png`;
  await sql`insert into storage.objects (bucket_id, name, owner_id, metadata)
            values ('attachments', ${uploadedPath}, ${users.agent.id}, '{"mimetype": "image/png", "size": 1200}')`;
  await sql`insert into public.notifications (workspace_id, user_id, kind, conversation_id)
            values (${workspaceId}, ${users.agent.id}, 'assigned', ${free.conversationId})`;
  await sql`insert into public.notification_preferences (user_id, sound) values (${users.agent.id}, true)`;
  const [savedReply] = await sql<{ id: string }[]>`
    insert into public.saved_replies (workspace_id, shortcut, body) values (${workspaceId}, 'hours', 'We open at 6') returning id`;
  const whatsapp = await createConversation(workspaceId, { provider: "whatsapp" });
  await sql`update public.channel_accounts set waba_id = 'waba-role-matrix' where id = ${whatsapp.channelAccountId}`;
  const templates = await sql<{ id: string; status: string }[]>`
    insert into public.whatsapp_templates (workspace_id, waba_id, provider_template_id, name, language, category, status,
                                           components)
    values (${workspaceId}, 'waba-role-matrix', '1001', 'follow_up', 'en_US', 'UTILITY', 'APPROVED',
            '[{"type": "BODY", "text": "Hi {{1}}"}]'),
           (${workspaceId}, 'waba-role-matrix', '1002', 'trial_offer', 'es', 'MARKETING', 'REJECTED', '[]')
    returning id, status`;
  const [invite] = await sql<{ id: string }[]>`
    insert into public.workspace_invites (workspace_id, email, role, invited_by)
    values (${workspaceId}, ${`invited-${randomUUID().slice(0, 8)}@frontdesk.test`}, 'agent', ${users.admin.id}) returning id`;
  const [spare] = await sql<{ id: string }[]>`
    insert into public.contact_identities (workspace_id, contact_id, channel_account_id, provider_user_id, handle)
    values (${workspaceId}, ${free.contactId}, ${free.channelAccountId}, ${randomUUID()}, 'spare.handle') returning id`;
  const [disconnected] = await sql<{ id: string }[]>`
    insert into public.channel_accounts (workspace_id, provider, provider_account_id, display_name, status, disconnected_at)
    values (${workspaceId}, 'messenger', ${`gone-${randomUUID()}`}, 'Old Page', 'disconnected', now()) returning id`;
  await sql`insert into public.webhook_events (workspace_id, object, payload, outcome) values (${workspaceId}, 'page', '{}', 'processed')`;
  await sql`insert into public.audit_logs (workspace_id, actor_user_id, entity, entity_id, action)
            values (${workspaceId}, ${users.admin.id}, 'conversation', ${free.conversationId}, 'conversation.assigned')`;
  await sql`insert into public.pending_receipts (workspace_id, channel_account_id, provider_message_id, status, occurred_at)
            values (${workspaceId}, ${free.channelAccountId}, ${`m_${randomUUID()}`}, 'delivered', now())`;
  const [attemptRow] = await sql<{ id: string }[]>`
    insert into public.channel_connect_attempts (workspace_id, user_id, callback_at) values (${workspaceId}, ${users.admin.id}, now())
    returning id`;
  await sql`update public.contacts set phone = '+447700900123' where id = ${free.contactId}`;
  const [tag] = await sql<
    { id: string }[]
  >`insert into public.tags (workspace_id, name) values (${workspaceId}, 'vip') returning id`;
  await sql`insert into public.contact_tags (workspace_id, contact_id, tag_id) values (${workspaceId}, ${free.contactId}, ${tag?.id ?? ""})`;
  const [stage] = await sql<{ id: string }[]>`
    select id from public.pipeline_stages where workspace_id = ${workspaceId} and name = 'Trial'`;
  const [field] = await sql<{ id: string }[]>`
    insert into public.contact_fields (workspace_id, key, label, type, options, position)
    values (${workspaceId}, 'plan', 'Plan', 'select', '{Gold,Silver}', 1) returning id`;
  await sql`insert into public.contact_events (workspace_id, contact_id, kind) values (${workspaceId}, ${free.contactId}, 'tagged')`;
  const [twin] = await sql<{ id: string }[]>`
    insert into public.contacts (workspace_id, display_name, phone) values (${workspaceId}, 'Twin', '+447700900123') returning id`;
  const importPath = `${workspaceId}/imports/${randomUUID()}-members.csv`;
  await sql`insert into storage.objects (bucket_id, name, owner_id, metadata)
            values ('attachments', ${importPath}, ${users.manager.id}, '{"mimetype": "text/csv", "size": 40}')`;
  const [contactImport] = await sql<{ id: string }[]>`
    insert into public.contact_imports (workspace_id, file_path, file_name, mapping, match_on, mode)
    values (${workspaceId}, ${importPath}, 'members.csv', '{"Phone": "phone"}', 'phone', 'create_or_update') returning id`;
  await sql`insert into public.contact_import_failures (import_id, workspace_id, row_number, problems)
            values (${contactImport?.id ?? ""}, ${workspaceId}, 3, '{"No phone to match the contact on."}')`;
  const approved = templates.find((t) => t.status === "APPROVED")?.id ?? null;
  // The draft goes out on Messenger: the WhatsApp number's fake token fails its template sync, flagging it.
  const [draft, sending] = await sql<{ id: string }[]>`
    insert into public.broadcasts (workspace_id, name, channel_account_id, template_id, template_values, body, status)
    values (${workspaceId}, 'Draft', ${free.channelAccountId}, null, '{}', 'See you soon', 'draft'),
           (${workspaceId}, 'Sending', ${whatsapp.channelAccountId}, ${approved}, '{"body.1": "friend"}', null, 'sending')
    returning id`;
  await sql`insert into public.broadcast_recipients (broadcast_id, workspace_id, contact_id, status, reason)
            values (${sending?.id ?? ""}, ${workspaceId}, ${whatsapp.contactId}, 'failed', '131000')`;
  await sql`insert into public.channel_send_pacing (channel_account_id, workspace_id) values (${whatsapp.channelAccountId}, ${workspaceId})`;
  gym = {
    draftBroadcastId: draft?.id ?? "",
    sendingBroadcastId: sending?.id ?? "",
    whatsappChannelId: whatsapp.channelAccountId,
    importPath,
    importId: contactImport?.id ?? "",
    tagId: tag?.id ?? "",
    stageId: stage?.id ?? "",
    fieldId: field?.id ?? "",
    twinContactId: twin?.id ?? "",
    workspaceId,
    channelId: free.channelAccountId,
    disconnectedChannelId: disconnected?.id ?? "",
    contactId: free.contactId,
    spareIdentityId: spare?.id ?? "",
    freeConversationId: free.conversationId,
    theirsConversationId: theirs.conversationId,
    attemptId: attemptRow?.id ?? "",
    unavailableMediaMessageId: givenUp?.id ?? "",
    uploadedPath,
    inviteId: invite?.id ?? "",
    savedReplyId: savedReply?.id ?? "",
    whatsappConversationId: whatsapp.conversationId,
    approvedTemplateId: templates.find((t) => t.status === "APPROVED")?.id ?? "",
    rejectedTemplateId: templates.find((t) => t.status === "REJECTED")?.id ?? "",
  };
});

type Verb = "select" | "insert" | "update" | "delete";
type Expectation = Record<Role, "yes" | "no">;

const everyone = (answer: "yes" | "no"): Expectation => ({ admin: answer, manager: answer, agent: answer, outsider: answer });
const members: Expectation = { admin: "yes", manager: "yes", agent: "yes", outsider: "no" };
const adminOnly: Expectation = { admin: "yes", manager: "no", agent: "no", outsider: "no" };

interface TableCase {
  /** Each statement returns the rows it saw or changed; `me` is the caller's user id. */
  statements: Record<Verb, (me: string) => string>;
  expect: Record<Verb, Expectation>;
}

const inGym = () => `'${gym.workspaceId}'`;
/** Nobody writes a table directly: every write a role may make is a function (FUNCTIONS, below). */
const readOnly = (select: Expectation) => ({ select, insert: everyone("no"), update: everyone("no"), delete: everyone("no") });

/** A CRM table: every member reads the workspace's rows; writes only through the functions below. */
const crmTable = (table: string, column: string): TableCase => ({
  statements: {
    select: () => `select ${column} from public.${table} where workspace_id = ${inGym()}`,
    insert: () =>
      table === "contact_tags"
        ? `insert into public.contact_tags (workspace_id, contact_id, tag_id) values (${inGym()}, '${gym.twinContactId}', '${gym.tagId}') returning tag_id`
        : table === "tags"
          ? `insert into public.tags (workspace_id, name) values (${inGym()}, 'forged') returning id`
          : table === "pipeline_stages"
            ? `insert into public.pipeline_stages (workspace_id, name, position) values (${inGym()}, 'Forged', 9) returning id`
            : table === "contact_fields"
              ? `insert into public.contact_fields (workspace_id, key, label, type, position) values (${inGym()}, 'forged', 'Forged', 'text', 9) returning id`
              : `insert into public.contact_events (workspace_id, contact_id, kind) values (${inGym()}, '${gym.contactId}', 'merged') returning id`,
    update: () => `update public.${table} set workspace_id = workspace_id where workspace_id = ${inGym()} returning ${column}`,
    delete: () => `delete from public.${table} where workspace_id = ${inGym()} returning ${column}`,
  },
  expect: readOnly(members),
});

const managers: Expectation = { admin: "yes", manager: "yes", agent: "no", outsider: "no" };

/** A contact import and its report: managers and admins read them; only the worker writes them. */
const importTable = (table: string, column: string): TableCase => ({
  statements: {
    select: () => `select ${column} from public.${table} where workspace_id = ${inGym()}`,
    insert: () =>
      table === "contact_imports"
        ? `insert into public.contact_imports (workspace_id, file_path, file_name, mapping, match_on, mode)
           values (${inGym()}, '${gym.importPath}', 'x.csv', '{}', 'phone', 'create_only') returning id`
        : `insert into public.contact_import_failures (import_id, workspace_id, row_number, problems)
           values ('${gym.importId}', ${inGym()}, 9, '{}') returning row_number`,
    update: () => `update public.${table} set workspace_id = workspace_id where workspace_id = ${inGym()} returning ${column}`,
    delete: () => `delete from public.${table} where workspace_id = ${inGym()} returning ${column}`,
  },
  expect: readOnly(managers),
});

const TABLES: Record<string, TableCase> = {
  contact_imports: importTable("contact_imports", "id"),
  contact_import_failures: importTable("contact_import_failures", "row_number"),
  tags: crmTable("tags", "id"),
  contact_tags: crmTable("contact_tags", "tag_id"),
  pipeline_stages: crmTable("pipeline_stages", "id"),
  contact_fields: crmTable("contact_fields", "id"),
  contact_events: crmTable("contact_events", "id"),
  broadcasts: {
    statements: {
      select: () => `select id from public.broadcasts where workspace_id = ${inGym()}`,
      insert: () =>
        `insert into public.broadcasts (workspace_id, name, channel_account_id) values (${inGym()}, 'Forged', '${gym.whatsappChannelId}') returning id`,
      update: () => `update public.broadcasts set status = 'done' where workspace_id = ${inGym()} returning id`,
      delete: () => `delete from public.broadcasts where workspace_id = ${inGym()} returning id`,
    },
    expect: readOnly(members),
  },
  broadcast_recipients: {
    statements: {
      select: () => `select id from public.broadcast_recipients where workspace_id = ${inGym()}`,
      insert: () =>
        `insert into public.broadcast_recipients (broadcast_id, workspace_id, contact_id, status)
         values ('${gym.draftBroadcastId}', ${inGym()}, '${gym.contactId}', 'queued') returning id`,
      update: () => `update public.broadcast_recipients set status = 'read' where workspace_id = ${inGym()} returning id`,
      delete: () => `delete from public.broadcast_recipients where workspace_id = ${inGym()} returning id`,
    },
    expect: readOnly(members),
  },
  channel_send_pacing: {
    statements: {
      select: () => `select per_second from public.channel_send_pacing where workspace_id = ${inGym()}`,
      insert: () =>
        `insert into public.channel_send_pacing (channel_account_id, workspace_id) values ('${gym.channelId}', ${inGym()}) returning per_second`,
      update: () => `update public.channel_send_pacing set per_second = 80 where workspace_id = ${inGym()} returning per_second`,
      delete: () => `delete from public.channel_send_pacing where workspace_id = ${inGym()} returning per_second`,
    },
    expect: readOnly(members),
  },
  workspaces: {
    statements: {
      select: () => `select id from public.workspaces where id = ${inGym()}`,
      insert: () => `insert into public.workspaces (name) values ('Forged Gym') returning id`,
      update: () => `update public.workspaces set name = 'Renamed' where id = ${inGym()} returning id`,
      delete: () => `delete from public.workspaces where id = ${inGym()} returning id`,
    },
    expect: readOnly(members),
  },
  memberships: {
    statements: {
      select: () => `select user_id from public.memberships where workspace_id = ${inGym()}`,
      insert: () =>
        `insert into public.memberships (workspace_id, user_id, role) values (${inGym()}, '${users.outsider.id}', 'admin') returning user_id`,
      update: (me) =>
        `update public.memberships set role = 'admin' where workspace_id = ${inGym()} and user_id = '${me}' returning user_id`,
      delete: () => `delete from public.memberships where workspace_id = ${inGym()} returning user_id`,
    },
    expect: readOnly(members),
  },
  workspace_invites: {
    statements: {
      select: () => `select id from public.workspace_invites where workspace_id = ${inGym()}`,
      insert: () =>
        `insert into public.workspace_invites (workspace_id, email, role) values (${inGym()}, 'forged@frontdesk.test', 'admin') returning id`,
      update: () => `update public.workspace_invites set role = 'admin' where workspace_id = ${inGym()} returning id`,
      delete: () => `delete from public.workspace_invites where workspace_id = ${inGym()} returning id`,
    },
    expect: readOnly(members),
  },
  channel_accounts: {
    statements: {
      select: () => `select id from public.channel_accounts where workspace_id = ${inGym()}`,
      // Hole 3: an admin squatting a Page Meta never confirmed, so its real owner's connect answers CONFLICT.
      insert: () =>
        `insert into public.channel_accounts (workspace_id, provider, provider_account_id, display_name)
         values (${inGym()}, 'messenger', 'squatted-${randomUUID()}', 'Not mine') returning id`,
      update: () => `update public.channel_accounts set status = 'active' where workspace_id = ${inGym()} returning id`,
      delete: () => `delete from public.channel_accounts where workspace_id = ${inGym()} returning id`,
    },
    expect: readOnly(members),
  },
  channel_connect_attempts: {
    statements: {
      select: () => `select id from public.channel_connect_attempts where workspace_id = ${inGym()}`,
      insert: (me) =>
        `insert into public.channel_connect_attempts (workspace_id, user_id) values (${inGym()}, '${me}') returning id`,
      update: () => `update public.channel_connect_attempts set callback_at = null where workspace_id = ${inGym()} returning id`,
      delete: () => `delete from public.channel_connect_attempts where workspace_id = ${inGym()} returning id`,
    },
    // The admin who started it sees their own attempt (without its token: column grants).
    expect: readOnly(adminOnly),
  },
  contacts: {
    statements: {
      select: () => `select id from public.contacts where workspace_id = ${inGym()}`,
      insert: () => `insert into public.contacts (workspace_id, display_name) values (${inGym()}, 'Forged') returning id`,
      update: () => `update public.contacts set notes = 'overwritten' where workspace_id = ${inGym()} returning id`,
      delete: () => `delete from public.contacts where workspace_id = ${inGym()} returning id`,
    },
    expect: readOnly(members),
  },
  contact_identities: {
    statements: {
      select: () => `select id from public.contact_identities where workspace_id = ${inGym()}`,
      insert: () =>
        `insert into public.contact_identities (workspace_id, contact_id, channel_account_id, provider_user_id)
         values (${inGym()}, '${gym.contactId}', '${gym.channelId}', '${randomUUID()}') returning id`,
      update: () => `update public.contact_identities set handle = '@forged' where workspace_id = ${inGym()} returning id`,
      delete: () => `delete from public.contact_identities where workspace_id = ${inGym()} returning id`,
    },
    expect: readOnly(members),
  },
  conversations: {
    statements: {
      select: () => `select id from public.conversations where workspace_id = ${inGym()}`,
      insert: () =>
        `insert into public.conversations (workspace_id, channel_account_id, contact_id, contact_identity_id)
         values (${inGym()}, '${gym.channelId}', '${gym.contactId}', '${gym.spareIdentityId}') returning id`,
      // Hole 1: assigning (oneself, or anyone, even a non-member) and resetting unread counts without the rules.
      update: (me) =>
        `update public.conversations set assignee_id = '${me}', unread_count = 0, status = 'open'
         where workspace_id = ${inGym()} returning id`,
      delete: () => `delete from public.conversations where workspace_id = ${inGym()} returning id`,
    },
    expect: readOnly(members),
  },
  messages: {
    statements: {
      select: () => `select id from public.messages where workspace_id = ${inGym()}`,
      insert: () =>
        `insert into public.messages (workspace_id, conversation_id, channel_account_id, direction, sender, status, text)
         values (${inGym()}, '${gym.freeConversationId}', '${gym.channelId}', 'outbound', 'staff', 'sent', 'forged') returning id`,
      update: () => `update public.messages set text = 'rewritten' where workspace_id = ${inGym()} returning id`,
      delete: () => `delete from public.messages where workspace_id = ${inGym()} returning id`,
    },
    expect: readOnly(members),
  },
  notifications: {
    statements: {
      select: () => `select id from public.notifications where workspace_id = ${inGym()}`,
      insert: (me) =>
        `insert into public.notifications (workspace_id, user_id, kind, conversation_id)
         values (${inGym()}, '${me}', 'mentioned', '${gym.freeConversationId}') returning id`,
      update: () => `update public.notifications set read_at = now() where workspace_id = ${inGym()} returning id`,
      delete: () => `delete from public.notifications where workspace_id = ${inGym()} returning id`,
    },
    // Only the agent was notified: each person sees their own, and changes them through app.mark_notifications_read.
    expect: readOnly({ admin: "no", manager: "no", agent: "yes", outsider: "no" }),
  },
  notification_preferences: {
    statements: {
      select: () => `select user_id from public.notification_preferences where user_id = '${users.agent.id}'`,
      insert: (me) => `insert into public.notification_preferences (user_id) values ('${me}') returning user_id`,
      update: () => `update public.notification_preferences set sound = true returning user_id`,
      delete: () => `delete from public.notification_preferences returning user_id`,
    },
    expect: readOnly({ admin: "no", manager: "no", agent: "yes", outsider: "no" }),
  },
  saved_replies: {
    statements: {
      select: () => `select id from public.saved_replies where workspace_id = ${inGym()}`,
      insert: () =>
        `insert into public.saved_replies (workspace_id, shortcut, body) values (${inGym()}, 'forged', 'x') returning id`,
      update: () => `update public.saved_replies set body = 'overwritten' where workspace_id = ${inGym()} returning id`,
      delete: () => `delete from public.saved_replies where workspace_id = ${inGym()} returning id`,
    },
    expect: readOnly(members),
  },
  whatsapp_templates: {
    statements: {
      select: () => `select id from public.whatsapp_templates where workspace_id = ${inGym()}`,
      insert: () =>
        `insert into public.whatsapp_templates (workspace_id, waba_id, provider_template_id, name, language, category, status)
         values (${inGym()}, 'waba-role-matrix', '9', 'forged', 'en_US', 'UTILITY', 'APPROVED') returning id`,
      update: () => `update public.whatsapp_templates set status = 'APPROVED' where workspace_id = ${inGym()} returning id`,
      delete: () => `delete from public.whatsapp_templates where workspace_id = ${inGym()} returning id`,
    },
    // Synced by the worker and updated by webhooks: staff read them, and send approved ones through the function below.
    expect: readOnly(members),
  },
  pending_receipts: {
    statements: {
      select: () => `select id from public.pending_receipts where workspace_id = ${inGym()}`,
      insert: () =>
        `insert into public.pending_receipts (workspace_id, channel_account_id, provider_message_id, status, occurred_at)
         values (${inGym()}, '${gym.channelId}', 'm_forged', 'read', now()) returning id`,
      update: () => `update public.pending_receipts set status = 'read' where workspace_id = ${inGym()} returning id`,
      delete: () => `delete from public.pending_receipts where workspace_id = ${inGym()} returning id`,
    },
    expect: readOnly(everyone("no")),
  },
  webhook_events: {
    statements: {
      select: () => `select id from public.webhook_events where workspace_id = ${inGym()}`,
      insert: () =>
        `insert into public.webhook_events (workspace_id, object, payload, outcome) values (${inGym()}, 'page', '{}', 'processed') returning id`,
      update: () => `update public.webhook_events set outcome = 'failed' where workspace_id = ${inGym()} returning id`,
      delete: () => `delete from public.webhook_events where workspace_id = ${inGym()} returning id`,
    },
    expect: readOnly(adminOnly),
  },
  audit_logs: {
    statements: {
      select: () => `select id from public.audit_logs where workspace_id = ${inGym()}`,
      // Hole 2: a forged audit row (any entity, action and metadata).
      insert: (me) =>
        `insert into public.audit_logs (workspace_id, actor_user_id, entity, entity_id, action, metadata)
         values (${inGym()}, '${me}', 'conversation', '${gym.freeConversationId}', 'conversation.assigned', '{"to":"someone"}') returning id`,
      update: () => `update public.audit_logs set action = 'nothing.happened' where workspace_id = ${inGym()} returning id`,
      delete: () => `delete from public.audit_logs where workspace_id = ${inGym()} returning id`,
    },
    expect: readOnly(adminOnly),
  },
};

describe("every public table, for every role", () => {
  it("is in the matrix (a new table must join it)", async () => {
    const tables = await superuserSql()<{ name: string }[]>`
      select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`;
    expect(tables.map((t) => t.name)).toEqual(Object.keys(TABLES).sort());
  });

  const cells = Object.entries(TABLES).flatMap(([table, { statements, expect: expected }]) =>
    (Object.keys(statements) as Verb[]).map((verb) => ({ table, verb, statement: statements[verb], expected: expected[verb] })),
  );
  it.each(cells)("$table: $verb", async ({ statement, expected }) => {
    const seen: Record<string, string> = {};
    for (const role of ROLES) {
      const outcome = await attempt(role, (tx) => asRows(tx, statement(users[role].id)), rowsOrNone);
      seen[role] = outcome === "denied" ? "no" : outcome;
    }
    expect(seen).toEqual(expected);
  });

  it("never shows a token, even its ciphertext, to anyone", async () => {
    for (const statement of [
      "select access_token_ciphertext from public.channel_accounts",
      "select user_token_ciphertext from public.channel_connect_attempts",
      `select * from app.sealed_token_for_admin('channel', '${gym.channelId}')`,
      `select * from app.sealed_token_for_admin('attempt', '${gym.attemptId}')`,
    ]) {
      expect(await attempt("admin", (tx) => asRows(tx, statement), rowsOrNone)).toBe("denied");
    }
  });
});

interface FunctionCase {
  name: string;
  call: (me: string) => string;
  expect: Record<Role, string>;
}

const same = (outcome: string, outsider = "not_found"): Record<Role, string> => ({
  admin: outcome,
  manager: outcome,
  agent: outcome,
  outsider,
});

/** The rules that are not row predicates, each enforced by the one function that writes. Outcomes as the function answers. */
const FUNCTIONS = (): FunctionCase[] => [
  {
    name: "take a free conversation",
    call: (me) => `select app.assign_conversation('${gym.freeConversationId}', '${me}') as outcome`,
    expect: same("changed"),
  },
  {
    name: "assign a free conversation to a colleague",
    call: () => `select app.assign_conversation('${gym.freeConversationId}', '${users.colleague.id}') as outcome`,
    expect: { admin: "changed", manager: "changed", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "unassign a colleague's conversation",
    call: () => `select app.assign_conversation('${gym.theirsConversationId}', null) as outcome`,
    expect: { admin: "changed", manager: "changed", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "assign to someone who is not on the team",
    call: () => `select app.assign_conversation('${gym.freeConversationId}', '${users.outsider.id}') as outcome`,
    expect: { admin: "invalid", manager: "invalid", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "reopen a colleague's resolved conversation",
    call: () => `select app.set_conversation_status('${gym.theirsConversationId}', 'open') as outcome`,
    expect: { admin: "changed", manager: "changed", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "resolve a conversation",
    call: () => `select app.set_conversation_status('${gym.freeConversationId}', 'resolved') as outcome`,
    expect: same("changed"),
  },
  {
    name: "archive a conversation",
    call: () => `select app.set_conversation_archived('${gym.freeConversationId}', true) as outcome`,
    expect: same("changed"),
  },
  {
    name: "ask for a member's unavailable media again",
    call: () => `select app.retry_media('${gym.unavailableMediaMessageId}') as outcome`,
    expect: { admin: "changed", manager: "changed", agent: "changed", outsider: "not_found" },
  },
  {
    name: "mark a conversation read",
    call: () => `select app.mark_conversation_read('${gym.freeConversationId}') as outcome`,
    expect: same("changed"),
  },
  {
    name: "edit a contact's notes and phone",
    call: () =>
      `select app.update_contact('${gym.contactId}', '{"notes": "Prefers mornings", "phone": "+447700900456"}') as outcome`,
    expect: same("changed"),
  },
  {
    name: "give a contact a phone that is not E.164",
    call: () => `select app.update_contact('${gym.contactId}', '{"phone": "07700 900456"}') as outcome`,
    expect: same("invalid"),
  },
  {
    name: "apply an existing tag",
    call: () => `select outcome from app.tag_contacts(${inGym()}, array['${gym.twinContactId}'::uuid], 'VIP')`,
    expect: same("changed"),
  },
  {
    name: "create a tag by applying a new name",
    call: () => `select outcome from app.tag_contacts(${inGym()}, array['${gym.twinContactId}'::uuid], 'brand new')`,
    expect: { admin: "changed", manager: "changed", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "take a tag off a contact",
    call: () => `select app.untag_contacts(${inGym()}, array['${gym.contactId}'::uuid], '${gym.tagId}')::text as outcome`,
    expect: same("1", "0"),
  },
  {
    name: "create a tag",
    call: () => `select outcome from app.save_tag(${inGym()}, null, 'Early birds', 'amber')`,
    expect: { admin: "changed", manager: "changed", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "delete a tag",
    call: () => `select app.delete_tag('${gym.tagId}') as outcome`,
    expect: { admin: "changed", manager: "changed", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "move a contact to a stage",
    call: () => `select app.set_contact_stage(${inGym()}, array['${gym.contactId}'::uuid], '${gym.stageId}')::text as outcome`,
    expect: same("1", "0"),
  },
  {
    name: "add a stage",
    call: () => `select outcome from app.save_stage(${inGym()}, null, 'Frozen')`,
    expect: { admin: "changed", manager: "changed", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "reorder the stages",
    call: () =>
      `select app.reorder_stages(${inGym()}, array(select id from public.pipeline_stages where workspace_id = ${inGym()}
                                                  order by position desc)) as outcome`,
    expect: { admin: "changed", manager: "changed", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "delete a stage",
    call: () => `select app.delete_stage('${gym.stageId}') as outcome`,
    expect: { admin: "changed", manager: "changed", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "define a custom field",
    call: () => `select outcome from app.save_contact_field(${inGym()}, null, 'renewal', 'Renewal', 'date', '{}')`,
    expect: { admin: "changed", manager: "changed", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "delete a custom field",
    call: () => `select app.delete_contact_field('${gym.fieldId}') as outcome`,
    expect: { admin: "changed", manager: "changed", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "fill in a contact's field",
    call: () => `select outcome from app.set_contact_fields('${gym.contactId}', '{"${gym.fieldId}": "Gold"}')`,
    expect: same("changed"),
  },
  {
    name: "fill in a field with a value it does not offer",
    call: () => `select outcome from app.set_contact_fields('${gym.contactId}', '{"${gym.fieldId}": "Platinum"}')`,
    expect: same("invalid"),
  },
  {
    name: "search a workspace's contacts",
    call: () => `select count(*)::text as outcome from app.search_contact_ids(${inGym()}, '%nobody%', '%7700900123%')`,
    expect: same("2", "0"),
  },
  {
    name: "create a broadcast",
    call: () =>
      `select outcome from app.save_broadcast(${inGym()}, null, '{"name": "Mine", "channelId": "${gym.whatsappChannelId}"}')`,
    expect: { admin: "changed", manager: "changed", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "change a draft broadcast",
    call: () => `select outcome from app.save_broadcast(${inGym()}, '${gym.draftBroadcastId}', '{"name": "Renamed"}')`,
    expect: { admin: "changed", manager: "changed", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "count a broadcast's audience",
    call: () =>
      `select coalesce(sum(contacts), 0)::text as outcome from app.broadcast_reach(${inGym()}, '${gym.whatsappChannelId}', '{}', null)`,
    expect: { admin: "4", manager: "4", agent: "0", outsider: "0" },
  },
  {
    name: "send a broadcast",
    call: () => `select app.start_broadcast('${gym.draftBroadcastId}', null) as outcome`,
    expect: { admin: "changed", manager: "changed", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "pause a broadcast",
    call: () => `select app.change_broadcast('${gym.sendingBroadcastId}', 'pause') as outcome`,
    expect: { admin: "changed", manager: "changed", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "cancel a broadcast",
    call: () => `select app.change_broadcast('${gym.sendingBroadcastId}', 'cancel') as outcome`,
    expect: { admin: "changed", manager: "changed", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "retry a broadcast's failed recipients",
    call: () => `select outcome from app.retry_broadcast_recipients('${gym.sendingBroadcastId}', false)`,
    expect: { admin: "changed", manager: "changed", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "delete a draft broadcast",
    call: () => `select app.delete_broadcast('${gym.draftBroadcastId}') as outcome`,
    expect: { admin: "changed", manager: "changed", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "set a channel's sending pace",
    call: () => `select app.set_channel_pacing('${gym.whatsappChannelId}', 30, 1000) as outcome`,
    expect: { admin: "changed", manager: "forbidden", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "find contacts by a channel handle",
    call: () => `select count(*)::text as outcome from app.contact_ids_by_handle(${inGym()}, '%spare.handle%')`,
    expect: same("1", "0"),
  },
  {
    name: "see a contact's likely duplicates",
    call: () => `select count(*)::text as outcome from app.duplicate_contacts('${gym.contactId}')`,
    expect: same("1", "0"),
  },
  {
    name: "start importing a CSV",
    call: () =>
      `select outcome from app.start_contact_import(${inGym()}, '${gym.importPath}', 'members.csv', '{"Phone": "phone"}', 'GB',
                                                   'phone', 'create_or_update')`,
    expect: { admin: "changed", manager: "changed", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "apply import rows or end an import (only the worker)",
    call: () =>
      `select app.import_contact_rows('${gym.importId}', 1, '[]', 0) || (select app.finish_contact_import('${gym.importId}'))::text as outcome`,
    expect: same("denied", "denied"),
  },
  {
    name: "merge two contacts",
    call: () => `select app.merge_contacts('${gym.contactId}', '${gym.twinContactId}') as outcome`,
    expect: { admin: "changed", manager: "changed", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "queue a reply",
    call: () =>
      `select coalesce((select created::text from app.queue_outgoing_message('${gym.freeConversationId}', '${randomUUID()}', 'Hi', '[]', 'Hi')),
                       'not_found') as outcome`,
    expect: same("true"),
  },
  {
    name: "queue a reply with an uploaded file",
    call: () =>
      `select coalesce((select created::text from app.queue_outgoing_message('${gym.freeConversationId}', '${randomUUID()}', null,
                        '[{"storedPath": "${gym.uploadedPath}"}]', 'Photo')), 'not_found') as outcome`,
    expect: same("true"),
  },
  {
    name: "send a reply's file (only the worker's queue)",
    call: () => `select app.schedule_media_sends(array[]::uuid[])::text as outcome`,
    expect: same("denied", "denied"),
  },
  {
    name: "invite someone to the team",
    call: () => `select outcome from app.invite_member(${inGym()}, 'new-${randomUUID().slice(0, 8)}@frontdesk.test', 'manager')`,
    expect: { admin: "invited", manager: "forbidden", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "invite someone who is on the team already",
    call: () => `select outcome from app.invite_member(${inGym()}, '${users.colleague.email}', 'agent')`,
    expect: { admin: "member", manager: "forbidden", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "revoke an invitation",
    call: () => `select app.revoke_invite('${gym.inviteId}') as outcome`,
    expect: { admin: "changed", manager: "forbidden", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "make a colleague an admin",
    call: () => `select app.change_member_role(${inGym()}, '${users.colleague.id}', 'admin') as outcome`,
    expect: { admin: "changed", manager: "forbidden", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "the only admin stops being one",
    call: () => `select app.change_member_role(${inGym()}, '${users.admin.id}', 'agent') as outcome`,
    expect: { admin: "last_admin", manager: "forbidden", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "remove a colleague from the team",
    call: () => `select app.remove_member(${inGym()}, '${users.colleague.id}') as outcome`,
    expect: { admin: "changed", manager: "forbidden", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "remove the only admin",
    call: () => `select app.remove_member(${inGym()}, '${users.admin.id}') as outcome`,
    expect: { admin: "last_admin", manager: "forbidden", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "name the people in the audit log",
    call: () =>
      `select count(*)::text as outcome from app.audit_actors(${inGym()}, array['${users.admin.id}', '${users.outsider.id}']::uuid[])`,
    expect: { admin: "1", manager: "0", agent: "0", outsider: "0" },
  },
  {
    name: "write a private note",
    call: () =>
      `select coalesce((select created::text from app.add_note('${gym.freeConversationId}', '${randomUUID()}', 'Call back',
                        array['${users.colleague.id}']::uuid[])), 'not_found') as outcome`,
    expect: same("true"),
  },
  {
    name: "mark one's notifications read",
    call: () => `select app.mark_notifications_read(null)::text as outcome`,
    expect: { admin: "0", manager: "0", agent: "1", outsider: "0" },
  },
  {
    name: "create a saved reply",
    call: () =>
      `select outcome from app.save_saved_reply(${inGym()}, null, 'prices-${randomUUID().slice(0, 6)}', 'From 39 a month', null)`,
    expect: { admin: "changed", manager: "changed", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "edit a saved reply",
    call: () => `select outcome from app.save_saved_reply(${inGym()}, '${gym.savedReplyId}', 'hours', 'We open at 5', null)`,
    expect: { admin: "changed", manager: "changed", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "delete a saved reply",
    call: () => `select app.delete_saved_reply('${gym.savedReplyId}') as outcome`,
    expect: { admin: "changed", manager: "changed", agent: "forbidden", outsider: "not_found" },
  },
  {
    name: "send an approved WhatsApp template",
    call: () =>
      `select outcome from app.queue_template_message('${gym.whatsappConversationId}', '${randomUUID()}',
                                                     '${gym.approvedTemplateId}', '[]', 'Hi Sam', 'Hi Sam', null)`,
    expect: same("queued"),
  },
  {
    name: "tag one's own reply on Messenger with a message tag",
    call: () =>
      `select app.tag_outgoing_message((select message_id from app.queue_outgoing_message('${gym.freeConversationId}',
                                        '${randomUUID()}', 'Your plan renews', '[]', 'Your plan renews')), 'ACCOUNT_UPDATE') as outcome`,
    expect: same("changed"),
  },
  {
    name: "tag a reply with a tag Meta does not allow for it",
    call: () =>
      `select app.tag_outgoing_message((select message_id from app.queue_outgoing_message('${gym.freeConversationId}',
                                        '${randomUUID()}', 'Sale!', '[]', 'Sale!')), 'HUMAN_AGENT') as outcome`,
    expect: same("invalid"),
  },
  {
    name: "put quick replies on one's own reply",
    call: () =>
      `select app.add_reply_buttons((select message_id from app.queue_outgoing_message('${gym.freeConversationId}',
                                     '${randomUUID()}', 'Which class?', '[]', 'Which class?')), array['Spin', 'Yoga']) as outcome`,
    expect: same("changed"),
  },
  {
    name: "send a rejected WhatsApp template",
    call: () =>
      `select outcome from app.queue_template_message('${gym.whatsappConversationId}', '${randomUUID()}',
                                                     '${gym.rejectedTemplateId}', '[]', 'Hola', 'Hola', null)`,
    expect: same("not_approved"),
  },
  {
    name: "apply template webhooks or enqueue a sync (only ingest and the server)",
    call: () =>
      `select (select count(*) from app.apply_template_events('[]'))::text || (select app.enqueue_template_sync(${inGym()}, 'x'))::text as outcome`,
    expect: same("denied", "denied"),
  },
  {
    name: "join a workspace without an invitation",
    call: () => `select app.accept_invites()::text as outcome`,
    expect: same("0", "0"),
  },
  {
    name: "claim a channel (only the server, after Meta confirmed it)",
    call: () => `select outcome from app.claim_channel(${inGym()}, 'messenger', 'squatted-${randomUUID()}', 'Not mine')`,
    expect: same("denied", "denied"),
  },
  {
    name: "activate a channel (only the server)",
    call: () =>
      `select app.activate_channel('${gym.channelId}', 'Mine now', null, 'x', 'k', true, null, '{}', null, null, false)::text as outcome`,
    expect: same("denied", "denied"),
  },
  {
    name: "disconnect a channel",
    call: () => `select count(*)::text as outcome from app.disconnect_channel('${gym.channelId}')`,
    expect: { admin: "1", manager: "0", agent: "0", outsider: "0" },
  },
  {
    name: "remove a disconnected channel",
    call: () => `select coalesce(app.remove_channel('${gym.disconnectedChannelId}')::text, 'refused') as outcome`,
    expect: { admin: "0", manager: "refused", agent: "refused", outsider: "refused" },
  },
  {
    name: "start connecting with Facebook",
    call: () => `select (attempt is not null)::text as outcome from app.begin_channel_connect(${inGym()})`,
    expect: { admin: "true", manager: "false", agent: "false", outsider: "false" },
  },
  {
    name: "write an audit row directly",
    call: () => `select app.audit(${inGym()}, 'conversation', '${gym.freeConversationId}', 'forged')::text as outcome`,
    expect: same("denied", "denied"),
  },
  {
    name: "make failed replies retryable without reconnecting",
    call: () => `select app.reopen_sends_after_reconnect('${gym.channelId}')::text as outcome`,
    expect: same("denied", "denied"),
  },
];

describe("writes through their functions, for every role", () => {
  it.each(FUNCTIONS().map((c) => ({ ...c, label: c.name })))("$label", async ({ name }) => {
    const fn = FUNCTIONS().find((c) => c.name === name);
    if (!fn) throw new Error(name);
    const seen: Record<string, string> = {};
    for (const role of ROLES) {
      seen[role] = await attempt(
        role,
        (tx) => asRows(tx, fn.call(users[role].id)),
        (rows) => String((rows as { outcome: unknown }[])[0]?.outcome),
      );
    }
    expect(seen).toEqual(fn.expect);
  });

  it("audits with the caller as the actor, whatever they claim", async () => {
    const before = new Date();
    await withUser(
      claimsOf("manager"),
      (tx) => tx`select app.assign_conversation(${gym.freeConversationId}, ${users.colleague.id})`,
    );
    const rows = await superuserSql()<{ actor: string; action: string; metadata: unknown }[]>`
      select actor_user_id as actor, action, metadata from public.audit_logs
      where entity_id = ${gym.freeConversationId} and created_at >= ${before}`;
    expect(rows).toEqual([
      { actor: users.manager.id, action: "conversation.assigned", metadata: { from: null, to: users.colleague.id } },
    ]);
  });
});

describe("the job queue and the worker's own tables", () => {
  it("grant nothing to the browser's roles", async () => {
    const grants = await superuserSql()<{ grant: string }[]>`
      select format('%s on %I.%I', r.rolname, n.nspname, c.relname) as grant
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      cross join (select rolname from pg_roles where rolname in ('anon', 'authenticated')) r
      where n.nspname in ('app', 'graphile_worker', 'graphile_worker_private') and c.relkind in ('r', 'p', 'v', 'm')
        and (has_table_privilege(r.rolname, c.oid, 'select') or has_table_privilege(r.rolname, c.oid, 'insert')
             or has_table_privilege(r.rolname, c.oid, 'update') or has_table_privilege(r.rolname, c.oid, 'delete'))`;
    expect(grants.map((row) => row.grant)).toEqual([]);
  });

  it("are under row level security, every one of ours", async () => {
    const open = await superuserSql()<{ name: string }[]>`
      select format('%I.%I', n.nspname, c.relname) as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname in ('app', 'public') and c.relkind in ('r', 'p') and not c.relrowsecurity`;
    expect(open.map((row) => row.name)).toEqual([]);
  });

  it.each([
    "select graphile_worker.add_job('remove-expired', '{}') as outcome",
    "select count(*) as outcome from graphile_worker.jobs",
    "select count(*) as outcome from app.worker_heartbeats",
    "select app.remove_expired(0, 0, 0, 1000)::text as outcome",
    `select app.schedule_send_confirmations(array['00000000-0000-0000-0000-000000000000'::uuid])::text as outcome`,
    `select app.settle_unconfirmed_send('00000000-0000-0000-0000-000000000000')::text as outcome`,
    "select app.send_live_updates_probe(gen_random_uuid(), gen_random_uuid())::text as outcome",
    `select app.note_stored_media(gen_random_uuid(), 0, '{"storedPath": "x"}') as outcome`,
    "select outcome from app.create_gym('A gym of my own', auth.uid())",
    "select count(*) as outcome from app.member_contacts(gen_random_uuid(), '{}')",
  ])("refuses %s to every role", async (statement) => {
    for (const role of ROLES) expect(await attempt(role, (tx) => asRows(tx, statement), rowsOrNone)).toBe("denied");
  });
});
