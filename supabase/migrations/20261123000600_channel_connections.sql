-- Connecting channels (issue #7): admins connect Facebook Pages (and their Instagram accounts) through
-- Meta's OAuth dialog and WhatsApp numbers with a permanent token; disconnecting keeps the history.
-- Tokens stay write-only for user requests: admins may set them, nobody may select them.

alter table public.channel_accounts
  add column linked_page_id text,
  add column waba_id text,
  add column connected_by uuid references auth.users (id) on delete set null,
  add column connected_at timestamptz,
  add column disconnected_at timestamptz,
  -- Why a channel needs reconnecting, in words an admin can act on (never a token or a raw Graph body).
  add column status_reason text;

grant select (linked_page_id, waba_id, connected_by, connected_at, disconnected_at, status_reason)
  on public.channel_accounts to authenticated;
grant insert (id, workspace_id, provider, provider_account_id, display_name, display_handle, status,
              access_token_ciphertext, access_token_key_id, subscribed_fields, subscribed_at, linked_page_id,
              waba_id, connected_by, connected_at, disconnected_at, status_reason, updated_at)
  on public.channel_accounts to authenticated;
grant update (display_name, display_handle, status, access_token_ciphertext, access_token_key_id, subscribed_fields,
              subscribed_at, linked_page_id, waba_id, connected_by, connected_at, disconnected_at, status_reason, updated_at)
  on public.channel_accounts to authenticated;

create policy channel_accounts_insert_admin on public.channel_accounts
  for insert to authenticated with check (app.member_role(workspace_id) = 'admin');
create policy channel_accounts_update_admin on public.channel_accounts
  for update to authenticated
  using (app.member_role(workspace_id) = 'admin')
  with check (app.member_role(workspace_id) = 'admin');

-- One row per "Connect with Facebook": its id is what the signed `state` carries. The callback uses it
-- once; the long-lived user token it yields is kept (encrypted) only while the admin picks Pages.
create table public.channel_connect_attempts (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  expires_at timestamptz not null default now() + interval '10 minutes',
  callback_at timestamptz,
  user_token_ciphertext text,
  user_token_key_id text,
  -- [{ id, name }] of the Pages the admin granted in the dialog.
  granted_pages jsonb not null default '[]' check (jsonb_typeof(granted_pages) = 'array'),
  created_at timestamptz not null default now(),
  check ((user_token_ciphertext is null) = (user_token_key_id is null))
);
create index channel_connect_attempts_user_idx on public.channel_connect_attempts (user_id, created_at desc);

alter table public.channel_connect_attempts enable row level security;
create policy channel_connect_attempts_own on public.channel_connect_attempts
  for all to authenticated
  using (user_id = (select auth.uid()) and app.member_role(workspace_id) = 'admin')
  with check (user_id = (select auth.uid()) and app.member_role(workspace_id) = 'admin');

grant select (id, workspace_id, user_id, expires_at, callback_at, granted_pages, created_at)
  on public.channel_connect_attempts to authenticated;
grant insert (workspace_id, user_id) on public.channel_connect_attempts to authenticated;
grant update (callback_at, user_token_ciphertext, user_token_key_id, granted_pages)
  on public.channel_connect_attempts to authenticated;
grant all on public.channel_connect_attempts to service_role;

-- The sealed tokens an admin's own request needs (the attempt's user token, a channel's token to
-- unsubscribe it), never another workspace's and never to non-admins. The app decrypts; SQL cannot.
create function app.sealed_token_for_admin(kind text, target uuid)
returns table (ciphertext text, key_id text)
language sql stable security definer set search_path = ''
as $$
  select a.user_token_ciphertext, a.user_token_key_id
  from public.channel_connect_attempts a
  where kind = 'attempt' and a.id = target and a.user_id = (select auth.uid())
    and app.member_role(a.workspace_id) = 'admin'
  union all
  select c.access_token_ciphertext, c.access_token_key_id
  from public.channel_accounts c
  where kind = 'channel' and c.id = target and app.member_role(c.workspace_id) = 'admin'
$$;
revoke execute on function app.sealed_token_for_admin(text, uuid) from public;
grant execute on function app.sealed_token_for_admin(text, uuid) to authenticated;

-- Meta refused a channel's token (190) while we used it: replies stop, inbound keeps landing, and admins
-- see why. One definition for the sender (Node) and the webhook's profile lookups (Deno).
create function app.flag_channel_for_reconnect(channel uuid, reason text) returns void
language sql security definer set search_path = ''
as $$
  update public.channel_accounts set status = 'needs_reconnect', status_reason = reason, updated_at = now()
  where id = channel and status = 'active'
$$;
revoke execute on function app.flag_channel_for_reconnect(uuid, text) from public;
grant execute on function app.flag_channel_for_reconnect(uuid, text) to service_role;

-- Channel changes reach open inboxes too (the token-health banner).
create function app.broadcast_channels() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  perform realtime.send(
    jsonb_build_object('id', n.id, 'workspaceId', n.workspace_id, 'status', n.status),
    'channel', 'workspace:' || n.workspace_id, true)
  from new_rows n left join old_rows o on o.id = n.id
  where o.id is null or o.status is distinct from n.status;
  return null;
end;
$$;
revoke execute on function app.broadcast_channels() from public;
create trigger channel_accounts_broadcast_update after update on public.channel_accounts
  referencing old table as old_rows new table as new_rows for each statement execute function app.broadcast_channels();
