-- Live updates through Supabase Realtime broadcast (ADR 006, 010): triggers publish a summary of each changed
-- conversation on `workspace:<id>` (the inbox list), of each changed message on `conversation:<id>` (its thread),
-- and of each channel whose status changed on `workspace:<id>`, as private topics only members may join.

-- Who may join a topic. Realtime asks once per join (and per refreshed token) by selecting probe rows
-- from realtime.messages as the joining user with `realtime.topic` set.
create function app.may_receive_topic(topic text) returns boolean
language sql stable security definer set search_path = ''
as $$
  select case
    when topic ~ '^workspace:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
      substr(topic, 11)::uuid = any (array(select app.member_workspace_ids()))
    when topic ~ '^conversation:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
      exists (
        select 1 from public.conversations c
        where c.id = substr(topic, 14)::uuid and c.workspace_id = any (array(select app.member_workspace_ids()))
      )
    else false
  end
$$;
revoke execute on function app.may_receive_topic(text) from public;
grant execute on function app.may_receive_topic(text) to authenticated;

-- Receive only; no insert policy, so browsers cannot broadcast on these topics themselves.
create policy frontdesk_members_receive on realtime.messages
  for select to authenticated
  using (extension = 'broadcast' and app.may_receive_topic((select realtime.topic())));

-- What the inbox list needs to patch a row in place (app/inbox/live-cache.ts ConversationEvent); joined names stay
-- with the client's cache. Inlinable: a SET clause (even search_path) would make every call a separate function
-- execution, which the broadcast statements pay per row. These name only built-ins and columns of their argument.
create function app.conversation_event(c public.conversations) returns jsonb
language sql stable
as $$
  select jsonb_build_object(
    'id', c.id, 'workspaceId', c.workspace_id, 'status', c.status, 'archivedAt', c.archived_at,
    'unreadCount', c.unread_count, 'lastMessageAt', c.last_message_at, 'lastInboundAt', c.last_inbound_at,
    'windowClosedAt', c.window_closed_at, 'failedSends', c.failed_sends, 'preview', c.last_message_preview,
    'assigneeId', c.assignee_id, 'channelAccountId', c.channel_account_id)
$$;

-- The thread's message shape (server/services/messages.ts), unsent text withheld alike.
create function app.message_event(m public.messages) returns jsonb
language sql stable
as $$
  select jsonb_build_object(
    'id', m.id, 'conversationId', m.conversation_id, 'direction', m.direction, 'kind', m.kind,
    'sender', m.sender, 'senderUserId', m.sender_user_id,
    'text', case when m.deleted_at is null then m.text end,
    'attachments', case when m.deleted_at is null then m.attachments else '[]'::jsonb end,
    'reactions', m.reactions, 'providerMessageId', m.provider_message_id,
    'clientMessageId', m.client_message_id, 'replyToProviderMessageId', m.reply_to_provider_message_id,
    'status', m.status, 'sentAt', m.sent_at, 'deliveredAt', m.delivered_at, 'readAt', m.read_at,
    'failedAt', m.failed_at, 'error', m.error, 'editedAt', m.edited_at, 'deletedAt', m.deleted_at,
    'createdAt', m.created_at)
$$;

-- The rows realtime.send() would write (an `id` in every payload, extension `broadcast`, private), written by one
-- insert per statement: realtime.send() guards each call with an exception block, a subtransaction per message
-- that cost a fifth of webhook throughput. The guard is one per statement: a broadcast that cannot be written is
-- a warning, never why a change is not stored. Statement-level triggers with transition tables: a webhook that
-- stores ten messages runs each once, and the list gets one broadcast per workspace carrying every changed
-- conversation (up to 100 each). jsonb_agg would copy every string of every element; to_jsonb over an array does not.
create function app.send_conversation_events(changed public.conversations[]) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  insert into realtime.messages (id, topic, extension, event, private, payload)
  select batch.id, 'workspace:' || batch.workspace_id, 'broadcast', 'conversations', true,
         jsonb_build_object('conversations', to_jsonb(batch.items), 'id', batch.id)
  from (
    select c.workspace_id, gen_random_uuid() as id, array_agg(c.event order by c.last_message_at) as items
    from (
      select x.workspace_id, x.last_message_at, app.conversation_event(x) as event,
             (row_number() over (partition by x.workspace_id order by x.id) - 1) / 100 as chunk
      from unnest(changed) x
    ) c
    group by c.workspace_id, c.chunk
  ) batch;
exception when others then
  raise warning 'ErrorSendingBroadcastMessage: %', sqlerrm;
end;
$$;

-- A conversation's broadcast is built once per row; whether it changed is decided on the columns
-- app.conversation_event shows (updated_at alone is not news), without building the old one.
create function app.broadcast_conversations() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform app.send_conversation_events(array(select n::public.conversations from new_rows n));
  else
    perform app.send_conversation_events(array(
      select n::public.conversations from new_rows n join old_rows o on o.id = n.id
      where (n.workspace_id, n.status, n.archived_at, n.unread_count, n.last_message_at, n.last_inbound_at,
             n.window_closed_at, n.failed_sends, n.last_message_preview, n.assignee_id, n.channel_account_id)
            is distinct from
            (o.workspace_id, o.status, o.archived_at, o.unread_count, o.last_message_at, o.last_inbound_at,
             o.window_closed_at, o.failed_sends, o.last_message_preview, o.assignee_id, o.channel_account_id)));
  end if;
  return null;
end;
$$;

create function app.broadcast_messages() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    insert into realtime.messages (topic, extension, event, private, payload)
    select 'conversation:' || n.conversation_id, 'broadcast', 'message', true, app.message_event(n)
    from new_rows n;
  else
    insert into realtime.messages (topic, extension, event, private, payload)
    select 'conversation:' || changed.conversation_id, 'broadcast', 'message', true, changed.event
    from (
      select n.conversation_id, app.message_event(n) as event, app.message_event(o) as previous
      from new_rows n join old_rows o on o.id = n.id
    ) changed
    where changed.event is distinct from changed.previous;
  end if;
  return null;
exception when others then
  raise warning 'ErrorSendingBroadcastMessage: %', sqlerrm;
  return null;
end;
$$;

revoke execute on function app.broadcast_conversations(), app.broadcast_messages(),
  app.send_conversation_events(public.conversations[]) from public;

create trigger conversations_broadcast_insert after insert on public.conversations
  referencing new table as new_rows for each statement execute function app.broadcast_conversations();
create trigger conversations_broadcast_update after update on public.conversations
  referencing old table as old_rows new table as new_rows for each statement execute function app.broadcast_conversations();
create trigger messages_broadcast_insert after insert on public.messages
  referencing new table as new_rows for each statement execute function app.broadcast_messages();
create trigger messages_broadcast_update after update on public.messages
  referencing old table as old_rows new table as new_rows for each statement execute function app.broadcast_messages();

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
