-- The inbox on a busy day (issue #15):
--  * search finds phone numbers however they are typed: contacts.phone_digits, and a digits pattern;
--  * a conversation counts its replies that failed to send (conversations.failed_sends), so the list shows them;
--  * a reconnected channel makes the replies Meta refused for its token sendable again;
--  * an admin can remove a disconnected channel, with its conversations.

-- ── phone search ────────────────────────────────────────────────────────────────
-- "+1 415 555 0142", "(415) 555-0142" and "4155550142" all search the same digits.
alter table public.contacts
  add column phone_digits text generated always as (nullif(regexp_replace(phone, '[^0-9]', '', 'g'), '')) stored;
drop index public.contacts_phone_trgm_idx;
create index contacts_phone_digits_trgm_idx on public.contacts
  using gin (workspace_id, phone_digits extensions.gin_trgm_ops);

drop function app.search_conversation_ids(uuid, text, boolean);

-- Conversations whose contact name, handle or (when asked) message text matches `pattern` (ILIKE), or whose
-- contact's phone digits match `digits_pattern` (LIKE; null when the term is not a phone number). Security
-- definer because ILIKE is not leakproof: under RLS Postgres may not use it as an index condition and would
-- filter every row of the workspace. Tenancy is enforced here instead: nothing unless the caller is a member.
create function app.search_conversation_ids(target_workspace uuid, pattern text, include_messages boolean,
                                            digits_pattern text)
returns setof uuid
language plpgsql stable security definer set search_path = ''
as $$
begin
  if not (target_workspace = any (array(select app.member_workspace_ids()))) then
    return;
  end if;
  -- `= any(array(...))` keeps each branch an index lookup by the matched ids.
  return query
    select c.id from public.conversations c
    where c.contact_id = any (array(
      select ct.id from public.contacts ct where ct.workspace_id = target_workspace and ct.display_name ilike pattern
      union
      select ct.id from public.contacts ct
      where digits_pattern is not null and ct.workspace_id = target_workspace and ct.phone_digits like digits_pattern))
    union
    select c.id from public.conversations c
    where c.contact_identity_id = any (array(
      select ci.id from public.contact_identities ci where ci.workspace_id = target_workspace and ci.handle ilike pattern))
    union
    select m.conversation_id from public.messages m
    where include_messages and m.workspace_id = target_workspace and m.text ilike pattern and m.deleted_at is null;
end
$$;
revoke execute on function app.search_conversation_ids(uuid, text, boolean, text) from public;
grant execute on function app.search_conversation_ids(uuid, text, boolean, text) to authenticated, service_role;

-- ── replies that failed to send ─────────────────────────────────────────────────
alter table public.conversations
  add column failed_sends integer not null default 0 check (failed_sends >= 0);
comment on column public.conversations.failed_sends is
  'Replies in this conversation that are failed now; the list marks the conversation while any are.';

create function app.count_failed_sends() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  update public.conversations c
  set failed_sends = c.failed_sends + case when new.status = 'failed' then 1 else -1 end, updated_at = now()
  where c.id = new.conversation_id;
  return null;
end
$$;
revoke execute on function app.count_failed_sends() from public;

create trigger messages_count_failed_sends
  after update of status on public.messages
  for each row when ((old.status = 'failed') is distinct from (new.status = 'failed'))
  execute function app.count_failed_sends();

create or replace function app.conversation_event(c public.conversations) returns jsonb
language sql stable
as $$
  select jsonb_build_object(
    'id', c.id, 'workspaceId', c.workspace_id, 'status', c.status, 'archivedAt', c.archived_at,
    'unreadCount', c.unread_count, 'lastMessageAt', c.last_message_at, 'lastInboundAt', c.last_inbound_at,
    'windowClosedAt', c.window_closed_at, 'failedSends', c.failed_sends, 'preview', c.last_message_preview,
    'assigneeId', c.assignee_id, 'contactId', c.contact_id, 'channelAccountId', c.channel_account_id)
$$;

create or replace function app.broadcast_conversations() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform app.send_conversation_events(array(select n::public.conversations from new_rows n));
  else
    perform app.send_conversation_events(array(
      select n::public.conversations from new_rows n join old_rows o on o.id = n.id
      where (n.workspace_id, n.status, n.archived_at, n.unread_count, n.last_message_at, n.last_inbound_at,
             n.window_closed_at, n.failed_sends, n.last_message_preview, n.assignee_id, n.contact_id, n.channel_account_id)
            is distinct from
            (o.workspace_id, o.status, o.archived_at, o.unread_count, o.last_message_at, o.last_inbound_at,
             o.window_closed_at, o.failed_sends, o.last_message_preview, o.assignee_id, o.contact_id, o.channel_account_id)));
  end if;
  return null;
end;
$$;

-- ── reconnecting ────────────────────────────────────────────────────────────────
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

-- ── removing a disconnected channel ─────────────────────────────────────────────
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
