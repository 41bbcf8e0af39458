import { randomUUID } from "node:crypto";
import { createClient, type Session, type SupabaseClient } from "@supabase/supabase-js";
import postgres from "postgres";
import WebSocket from "ws";
import { LOCAL_DEFAULTS } from "../../server/lib/config";
import type { WorkspaceRole } from "../../server/services/account";
import { encryptToken, parseKeyring } from "../../supabase/functions/_shared/token-crypto";
import type { SimulatedUser } from "../meta/accounts";

/** The plaintext page token test channels carry; tests assert it never leaks. */
export const TEST_PAGE_TOKEN = "EAAG-test-page-token-never-shown";

/** Where a running test stack is; Vitest and Playwright each learn it their own way. */
export interface StackAddress {
  supabaseUrl: string;
  anonKey: string;
  serviceRoleKey: string;
  superuserUrl: string;
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
}

/**
 * Makes test data quickly: the Auth admin API for users, SQL as the database owner for workspaces with any mix of
 * roles (founding a gym as a person does is tested through its own door, workspaces.create).
 */
export function testData(stack: StackAddress) {
  let superuser: postgres.Sql | undefined;
  const sql = () => {
    superuser ??= postgres(stack.superuserUrl, { max: 4, onnotice: () => {} });
    return superuser;
  };

  /** A supabase-js client exactly as an app would build one; Node 20 needs `ws` for Realtime. */
  const supabaseClient = (key: "anon" | "service"): SupabaseClient =>
    createClient(stack.supabaseUrl, key === "anon" ? stack.anonKey : stack.serviceRoleKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
    });

  async function createUser(name = "staff"): Promise<TestUser> {
    const email = `${name}-${randomUUID().slice(0, 8)}@frontdesk.test`;
    const password = `pw-${randomUUID()}`;
    const { data, error } = await supabaseClient("service").auth.admin.createUser({ email, password, email_confirm: true });
    if (error || !data.user) throw new Error(`createUser failed: ${error?.message}`);
    return { id: data.user.id, email, password };
  }

  async function signIn(user: TestUser): Promise<Session> {
    const { data, error } = await supabaseClient("anon").auth.signInWithPassword({ email: user.email, password: user.password });
    if (error || !data.session) throw new Error(`signIn failed: ${error?.message}`);
    return data.session;
  }

  async function createWorkspace(name: string, members: { user: TestUser; role: WorkspaceRole }[]): Promise<string> {
    const [workspace] = await sql()<{ id: string }[]>`insert into public.workspaces (name) values (${name}) returning id`;
    if (!workspace) throw new Error("workspace insert returned nothing");
    for (const { user, role } of members) {
      await sql()`insert into public.memberships (workspace_id, user_id, role) values (${workspace.id}, ${user.id}, ${role})`;
    }
    return workspace.id;
  }

  /** A signed-in member of a fresh workspace: the usual starting point of a test. */
  async function memberOfNewWorkspace(role: WorkspaceRole = "admin", workspaceName = `Gym ${randomUUID().slice(0, 6)}`) {
    const user = await createUser(role);
    const workspaceId = await createWorkspace(workspaceName, [{ user, role }]);
    const session = await signIn(user);
    return { user, workspaceId, workspaceName, session };
  }

  interface ConversationOptions {
    provider?: "messenger" | "instagram" | "whatsapp";
    channelAccountId?: string;
    contactName?: string;
    handle?: string;
    phone?: string;
    lastMessageAt?: Date;
    lastInboundAt?: Date | null;
    unreadCount?: number;
    assigneeId?: string | null;
    status?: "open" | "pending" | "resolved";
    archived?: boolean;
  }

  /** A connected channel with a real encrypted page token, as connecting it would leave it. */
  async function createChannel(workspaceId: string, provider: "messenger" | "instagram" | "whatsapp" = "messenger") {
    const [channel] = await sql()<{ id: string }[]>`
      insert into public.channel_accounts (workspace_id, provider, provider_account_id, display_name)
      values (${workspaceId}, ${provider}, ${`${provider}-${randomUUID()}`}, ${`Test ${provider}`})
      returning id`;
    if (!channel) throw new Error("channel insert returned nothing");
    const sealed = await encryptToken(await parseKeyring(LOCAL_DEFAULTS.TOKEN_ENCRYPTION_KEYS), TEST_PAGE_TOKEN, channel.id);
    await sql()`update public.channel_accounts set access_token_ciphertext = ${sealed.ciphertext}, access_token_key_id = ${sealed.keyId}
                where id = ${channel.id}`;
    return channel.id;
  }

  /** A conversation with its contact, identity and (unless given) channel, as ingest would leave them. */
  async function createConversation(workspaceId: string, options: ConversationOptions = {}) {
    const channelAccountId = options.channelAccountId ?? (await createChannel(workspaceId, options.provider));
    const [row] = await sql()<{ conversation_id: string; contact_id: string; identity_id: string }[]>`
      with contact as (
        insert into public.contacts (workspace_id, display_name, phone)
        values (${workspaceId}, ${options.contactName ?? `Member ${randomUUID().slice(0, 6)}`}, ${options.phone ?? null})
        returning id
      ), identity as (
        insert into public.contact_identities (workspace_id, contact_id, channel_account_id, provider_user_id, handle)
        select ${workspaceId}, contact.id, ${channelAccountId}, ${randomUUID()}, ${options.handle ?? null} from contact
        returning id, contact_id
      )
      insert into public.conversations (workspace_id, channel_account_id, contact_id, contact_identity_id, status, archived_at,
                                        assignee_id, unread_count, last_message_at, last_inbound_at)
      select ${workspaceId}, ${channelAccountId}, identity.contact_id, identity.id, ${options.status ?? "open"},
             ${options.archived ? new Date() : null}, ${options.assigneeId ?? null}, ${options.unreadCount ?? 0},
             ${options.lastMessageAt ?? new Date()}, ${options.lastInboundAt === undefined ? new Date() : options.lastInboundAt}
      from identity
      returning id as conversation_id, contact_id, (select id from identity) as identity_id`;
    if (!row) throw new Error("conversation insert returned nothing");
    return { conversationId: row.conversation_id, contactId: row.contact_id, identityId: row.identity_id, channelAccountId };
  }

  async function addMessage(
    conversationId: string,
    options: { text?: string; direction?: "inbound" | "outbound"; createdAt?: Date; deleted?: boolean } = {},
  ) {
    const direction = options.direction ?? "inbound";
    const [message] = await sql()<{ id: string }[]>`
      insert into public.messages (workspace_id, conversation_id, channel_account_id, direction, sender, text,
                                   provider_message_id, status, created_at, deleted_at)
      select workspace_id, id, channel_account_id, ${direction}, ${direction === "inbound" ? "member" : "staff"},
             ${options.text ?? "Hello"}, ${`m_${randomUUID()}`}, ${direction === "inbound" ? "delivered" : "sent"},
             ${options.createdAt ?? new Date()}, ${options.deleted ? new Date() : null}
      from public.conversations where id = ${conversationId}
      returning id`;
    if (!message) throw new Error("message insert returned nothing");
    return message.id;
  }

  /**
   * A WhatsApp number the Meta simulator knows (a test user's, with its own Business Account and token), connected to a
   * workspace as Connect leaves it: active, with its account id and the token sealed. Its templates sync on connect.
   */
  async function connectWhatsAppOfSimulator(metaUrl: string, workspaceId: string) {
    const response = await fetch(`${metaUrl}/__test-users`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Test Gym", whatsapp: 1 }),
    });
    const user = (await response.json()) as SimulatedUser;
    const number = user.whatsapp[0];
    if (!number) throw new Error("the simulator made no WhatsApp number");
    // Sealed before the insert (the seal names the row), so the sync the insert enqueues finds a token.
    const channelAccountId = randomUUID();
    const sealed = await encryptToken(await parseKeyring(LOCAL_DEFAULTS.TOKEN_ENCRYPTION_KEYS), number.token, channelAccountId);
    await sql()`
      insert into public.channel_accounts (id, workspace_id, provider, provider_account_id, display_name, display_handle, waba_id,
                                           access_token_ciphertext, access_token_key_id)
      values (${channelAccountId}, ${workspaceId}, 'whatsapp', ${number.phoneNumberId}, ${number.verifiedName},
              ${number.displayPhoneNumber}, ${number.wabaId}, ${sealed.ciphertext}, ${sealed.keyId})`;
    return { channelAccountId, phoneNumberId: number.phoneNumberId, wabaId: number.wabaId };
  }

  async function close() {
    await superuser?.end();
    superuser = undefined;
  }

  return {
    sql,
    supabaseClient,
    createUser,
    signIn,
    createWorkspace,
    memberOfNewWorkspace,
    createChannel,
    createConversation,
    addMessage,
    connectWhatsAppOfSimulator,
    close,
  };
}
