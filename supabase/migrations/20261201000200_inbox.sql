-- The inbox: channel accounts, contacts and their provider identities, conversations, messages and the audit
-- log. Every table leads with workspace_id, is reachable only through RLS, and children reference their parents
-- together with workspace_id so that no row can point across tenants.

create extension if not exists pg_trgm with schema extensions;
create extension if not exists btree_gin with schema extensions;

create type public.channel_provider as enum ('messenger', 'instagram', 'whatsapp');
create type public.channel_status as enum ('active', 'needs_reconnect', 'disconnected');
create type public.conversation_status as enum ('open', 'pending', 'resolved');
create type public.message_direction as enum ('inbound', 'outbound');
-- The kinds ingest stores (supabase/functions/_shared/message-kinds.ts) plus what only Frontdesk creates.
create type public.message_kind as enum (
  'text', 'image', 'file', 'audio', 'video', 'sticker', 'location', 'share', 'story_mention', 'reaction', 'postback',
  'template', 'system', 'unsupported'
);
create type public.message_status as enum ('pending', 'sent', 'delivered', 'read', 'failed');
-- member: the gym's member; staff: a Frontdesk user; page: someone using Meta's own inbox for the page/number.
create type public.message_sender as enum ('member', 'staff', 'page');

-- ── channel accounts ──────────────────────────────────────────────────────────
create table public.channel_accounts (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  provider public.channel_provider not null,
  -- Page id, Instagram business account id, or WhatsApp phone_number_id.
  provider_account_id text not null check (provider_account_id <> ''),
  display_name text not null,
  display_handle text,
  -- Sealed with AES-256-GCM by the app (token-crypto.ts); user SQL can neither read nor decrypt them.
  access_token_ciphertext text,
  access_token_key_id text,
  status public.channel_status not null default 'active',
  -- Why a channel needs reconnecting, in words an admin can act on (never a token or a raw Graph body).
  status_reason text,
  subscribed_fields text[] not null default '{}',
  subscribed_at timestamptz,
  -- An Instagram account's Facebook Page; a WhatsApp number's Business Account.
  linked_page_id text,
  waba_id text,
  connected_by uuid references auth.users (id) on delete set null,
  connected_at timestamptz,
  disconnected_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, id),
  check ((access_token_ciphertext is null) = (access_token_key_id is null))
);
-- One live connection per provider account; a disconnected row keeps its history.
create unique index channel_accounts_live_provider_account_key
  on public.channel_accounts (provider, provider_account_id) where status <> 'disconnected';

-- ── contacts ──────────────────────────────────────────────────────────────────
create table public.contacts (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  display_name text,
  avatar_url text,
  phone text,
  -- "+1 415 555 0142", "(415) 555-0142" and "4155550142" all search the same digits.
  phone_digits text generated always as (nullif(regexp_replace(phone, '[^0-9]', '', 'g'), '')) stored,
  email text,
  notes text not null default '' check (length(notes) <= 10000),
  tags text[] not null default '{}' check (cardinality(tags) <= 50),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, id)
);
create index contacts_display_name_trgm_idx on public.contacts
  using gin (workspace_id, display_name extensions.gin_trgm_ops);
create index contacts_phone_digits_trgm_idx on public.contacts
  using gin (workspace_id, phone_digits extensions.gin_trgm_ops);

create table public.contact_identities (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null,
  contact_id uuid not null,
  channel_account_id uuid not null,
  -- PSID (Messenger), IGSID (Instagram) or wa_id (WhatsApp).
  provider_user_id text not null check (provider_user_id <> ''),
  handle text,
  profile_name text,
  profile_fetched_at timestamptz,
  created_at timestamptz not null default now(),
  unique (workspace_id, id),
  unique (channel_account_id, provider_user_id),
  foreign key (workspace_id, contact_id) references public.contacts (workspace_id, id) on delete cascade,
  foreign key (workspace_id, channel_account_id) references public.channel_accounts (workspace_id, id) on delete cascade
);
create index contact_identities_contact_idx on public.contact_identities (contact_id);
create index contact_identities_handle_trgm_idx on public.contact_identities
  using gin (workspace_id, handle extensions.gin_trgm_ops);

-- ── conversations ─────────────────────────────────────────────────────────────
create table public.conversations (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null,
  channel_account_id uuid not null,
  contact_id uuid not null,
  -- One conversation per contact identity, and an identity belongs to one channel account.
  contact_identity_id uuid not null unique,
  status public.conversation_status not null default 'open',
  archived_at timestamptz,
  assignee_id uuid references auth.users (id) on delete set null,
  unread_count integer not null default 0 check (unread_count >= 0),
  last_message_at timestamptz not null default now(),
  last_inbound_at timestamptz,
  -- The preview of the latest message that still exists (messages.preview, or its text).
  last_message_preview text,
  -- When Meta last refused a reply because the messaging window had closed; closed until last_inbound_at passes it.
  window_closed_at timestamptz,
  -- Replies in this conversation that are failed now; the list marks the conversation while any are.
  failed_sends integer not null default 0 check (failed_sends >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, id),
  foreign key (workspace_id, channel_account_id) references public.channel_accounts (workspace_id, id) on delete cascade,
  foreign key (workspace_id, contact_id) references public.contacts (workspace_id, id) on delete cascade,
  foreign key (workspace_id, contact_identity_id) references public.contact_identities (workspace_id, id) on delete cascade
);
-- Keyset pagination: (last_message_at, id) descending within a workspace, for each list shape.
create index conversations_inbox_idx on public.conversations (workspace_id, last_message_at desc, id desc)
  where archived_at is null;
create index conversations_archive_idx on public.conversations (workspace_id, last_message_at desc, id desc)
  where archived_at is not null;
create index conversations_assignee_idx on public.conversations (workspace_id, assignee_id, last_message_at desc, id desc)
  where archived_at is null;
create index conversations_channel_idx on public.conversations (workspace_id, channel_account_id, last_message_at desc, id desc);
create index conversations_unread_idx on public.conversations (workspace_id, last_message_at desc, id desc)
  where unread_count > 0;
create index conversations_contact_idx on public.conversations (contact_id);

-- ── messages ──────────────────────────────────────────────────────────────────
create table public.messages (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null,
  conversation_id uuid not null,
  channel_account_id uuid not null,
  direction public.message_direction not null,
  kind public.message_kind not null default 'text',
  sender public.message_sender not null,
  sender_user_id uuid references auth.users (id) on delete set null,
  text text,
  -- The list preview (supabase/functions/_shared/message-preview.ts) when it is not the text itself: long,
  -- multi-line, or an attachment's label. Most messages are one short line, their own preview (ADR 014).
  preview text,
  attachments jsonb not null default '[]' check (jsonb_typeof(attachments) = 'array'),
  reactions jsonb not null default '[]' check (jsonb_typeof(reactions) = 'array'),
  -- Provider extras worth keeping: quick-reply / postback payloads, WhatsApp context, story replies, standby.
  metadata jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
  provider_message_id text,
  client_message_id text,
  reply_to_provider_message_id text,
  status public.message_status not null,
  sent_at timestamptz,
  delivered_at timestamptz,
  read_at timestamptz,
  failed_at timestamptz,
  -- { code, message, retryable, providerCode, mayHaveBeenDelivered? } when status = 'failed'.
  error jsonb,
  edited_at timestamptz,
  deleted_at timestamptz,
  -- When the message happened (the provider's timestamp for inbound); orders the thread.
  created_at timestamptz not null default now(),
  inserted_at timestamptz not null default now(),
  unique (channel_account_id, provider_message_id),
  unique (workspace_id, client_message_id),
  check (sender <> 'staff' or direction = 'outbound'),
  check (status <> 'failed' or error is not null),
  foreign key (workspace_id, conversation_id) references public.conversations (workspace_id, id) on delete cascade,
  foreign key (workspace_id, channel_account_id) references public.channel_accounts (workspace_id, id) on delete cascade
);
create index messages_thread_idx on public.messages (conversation_id, created_at desc, id desc);
create index messages_text_trgm_idx on public.messages using gin (workspace_id, text extensions.gin_trgm_ops);

-- ── audit log ─────────────────────────────────────────────────────────────────
create table public.audit_logs (
  id bigint generated always as identity primary key,
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  actor_user_id uuid references auth.users (id) on delete set null,
  entity text not null,
  entity_id uuid,
  action text not null,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now()
);
create index audit_logs_workspace_idx on public.audit_logs (workspace_id, created_at desc);
create index audit_logs_entity_idx on public.audit_logs (entity_id, created_at desc);

-- ── row-level security ────────────────────────────────────────────────────────
alter table public.channel_accounts enable row level security;
alter table public.contacts enable row level security;
alter table public.contact_identities enable row level security;
alter table public.conversations enable row level security;
alter table public.messages enable row level security;
alter table public.audit_logs enable row level security;

create policy channel_accounts_select_member on public.channel_accounts
  for select to authenticated using (workspace_id = any (array(select app.member_workspace_ids())));

create policy contacts_select_member on public.contacts
  for select to authenticated using (workspace_id = any (array(select app.member_workspace_ids())));
create policy contacts_update_member on public.contacts
  for update to authenticated
  using (workspace_id = any (array(select app.member_workspace_ids())))
  with check (workspace_id = any (array(select app.member_workspace_ids())));

create policy contact_identities_select_member on public.contact_identities
  for select to authenticated using (workspace_id = any (array(select app.member_workspace_ids())));

create policy conversations_select_member on public.conversations
  for select to authenticated using (workspace_id = any (array(select app.member_workspace_ids())));
create policy conversations_update_member on public.conversations
  for update to authenticated
  using (workspace_id = any (array(select app.member_workspace_ids())))
  with check (workspace_id = any (array(select app.member_workspace_ids())));

create policy messages_select_member on public.messages
  for select to authenticated using (workspace_id = any (array(select app.member_workspace_ids())));

create policy audit_logs_select_manager on public.audit_logs
  for select to authenticated using (app.member_role(workspace_id) in ('admin', 'manager'));
create policy audit_logs_insert_self on public.audit_logs
  for insert to authenticated
  with check (workspace_id = any (array(select app.member_workspace_ids())) and actor_user_id = (select auth.uid()));

-- ── grants (new projects grant nothing on public by default) ───────────────────
-- Tokens are never readable by user requests: only the columns below are granted.
grant select (id, workspace_id, provider, provider_account_id, display_name, display_handle, status, status_reason,
              subscribed_fields, subscribed_at, linked_page_id, waba_id, connected_by, connected_at, disconnected_at,
              created_at, updated_at)
  on public.channel_accounts to authenticated;
grant select on public.contacts, public.contact_identities, public.conversations, public.messages, public.audit_logs
  to authenticated;
grant update (display_name, notes, tags, updated_at) on public.contacts to authenticated;
grant update (status, archived_at, assignee_id, unread_count, updated_at) on public.conversations to authenticated;
grant insert (workspace_id, actor_user_id, entity, entity_id, action, metadata) on public.audit_logs to authenticated;

grant all on public.channel_accounts, public.contacts, public.contact_identities, public.conversations,
             public.messages, public.audit_logs to service_role;

-- ── what the schema snapshot (supabase/schema.sql) says of the columns that need saying ──
comment on column public.channel_accounts.access_token_ciphertext is
  'AES-256-GCM, sealed by the app to the row id (token-crypto.ts); never granted to user requests.';
comment on column public.channel_accounts.status_reason is
  'Why the channel needs reconnecting, in words an admin can act on (never a token or a raw Graph body).';
comment on column public.contacts.phone_digits is 'The phone''s digits only: what phone search matches.';
comment on column public.conversations.last_message_preview is
  'The preview of the latest message that still exists (its messages.preview, or its text).';
comment on column public.conversations.window_closed_at is
  'When Meta last refused a reply because the messaging window had closed; closed until last_inbound_at passes it.';
comment on column public.conversations.failed_sends is
  'Replies in this conversation that are failed now; the list marks the conversation while any are.';
comment on column public.messages.preview is
  'The list preview of this message when it is not the text itself (long, multi-line, or an attachment label).';
