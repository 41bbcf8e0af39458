-- Connecting channels: admins connect Facebook Pages (and their Instagram accounts) through Meta's OAuth dialog
-- and WhatsApp numbers with a permanent token; disconnecting keeps the history, removing deletes it. Tokens
-- stay write-only for user requests: admins may set them, nobody may select them (ADR 008).

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

-- Replies refused because Meta stopped accepting the channel's token can go once an admin has reconnected it.
-- Returns how many became retryable.
create function app.reopen_sends_after_reconnect(channel uuid) returns integer
language sql security definer set search_path = ''
as $$
  with reopened as (
    update public.messages m
    set error = m.error || jsonb_build_object('retryable', true,
                                              'message', 'The channel has been reconnected: retry to send this reply.')
    from public.channel_accounts ca
    where ca.id = channel and ca.status = 'active' and app.member_role(ca.workspace_id) = 'admin'
      and m.channel_account_id = ca.id and m.status = 'failed' and m.error ->> 'code' = 'TOKEN_EXPIRED'
    returning m.id
  )
  select count(*)::integer from reopened
$$;
revoke execute on function app.reopen_sends_after_reconnect(uuid) from public;
grant execute on function app.reopen_sends_after_reconnect(uuid) to authenticated;

-- Deletes a disconnected channel with its conversations, messages and members' identities (the audit log
-- keeps that it happened). Admins only; a live channel must be disconnected first. Returns the conversations
-- removed, or null when the caller may not remove it.
create function app.remove_channel(channel uuid) returns integer
language plpgsql security definer set search_path = ''
as $$
declare
  target record;
  removed integer;
begin
  select ca.id, ca.workspace_id, ca.provider, ca.display_name into target
  from public.channel_accounts ca
  where ca.id = channel and ca.status = 'disconnected' and app.member_role(ca.workspace_id) = 'admin'
  for update;
  if not found then
    return null;
  end if;
  select count(*)::integer into removed from public.conversations c where c.channel_account_id = target.id;
  -- Contacts reached only through this channel go with it; contacts with other channels stay.
  delete from public.contacts ct
  where ct.workspace_id = target.workspace_id
    and exists (select 1 from public.contact_identities ci where ci.contact_id = ct.id and ci.channel_account_id = target.id)
    and not exists (select 1 from public.contact_identities ci where ci.contact_id = ct.id and ci.channel_account_id <> target.id);
  delete from public.channel_accounts ca where ca.id = target.id;
  insert into public.audit_logs (workspace_id, actor_user_id, entity, entity_id, action, metadata)
  values (target.workspace_id, (select auth.uid()), 'channel_account', target.id, 'channel.removed',
          jsonb_build_object('provider', target.provider, 'conversations', removed));
  return removed;
end
$$;
revoke execute on function app.remove_channel(uuid) from public;
grant execute on function app.remove_channel(uuid) to authenticated;
