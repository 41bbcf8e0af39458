-- Live updates through Supabase Realtime broadcast (DESIGN §7): triggers publish a summary of each
-- changed conversation on `workspace:<id>` (the inbox list) and of each changed message on
-- `conversation:<id>` (its thread), as private topics that only workspace members may join.

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

-- What the inbox list needs to patch a row in place; joined names stay with the client's cache.
create function app.conversation_event(c public.conversations) returns jsonb
language sql stable set search_path = ''
as $$
  select jsonb_build_object(
    'id', c.id, 'workspaceId', c.workspace_id, 'status', c.status, 'archivedAt', c.archived_at,
    'unreadCount', c.unread_count, 'lastMessageAt', c.last_message_at, 'lastInboundAt', c.last_inbound_at,
    'preview', c.last_message_preview, 'assigneeId', c.assignee_id, 'contactId', c.contact_id,
    'channelAccountId', c.channel_account_id)
$$;

-- The thread's message shape (server/services/messages.ts toMessage), unsent text withheld alike.
create function app.message_event(m public.messages) returns jsonb
language sql stable set search_path = ''
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

-- Statement-level with transition tables: a webhook that stores ten messages runs each trigger once,
-- and the list gets one broadcast per workspace carrying every changed conversation (up to 100 each).
-- Security definer because realtime.send inserts into realtime.messages, which users may not write.
create function app.send_conversation_events(changed public.conversations[]) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  perform realtime.send(jsonb_build_object('conversations', batch.items), 'conversations', 'workspace:' || batch.workspace_id, true)
  from (
    select c.workspace_id, jsonb_agg(c.event order by c.last_message_at) as items
    from (
      select x.workspace_id, x.last_message_at, app.conversation_event(x) as event,
             (row_number() over (partition by x.workspace_id order by x.id) - 1) / 100 as chunk
      from unnest(changed) x
    ) c
    group by c.workspace_id, c.chunk
  ) batch;
end;
$$;

create function app.broadcast_conversations() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform app.send_conversation_events(array(select n::public.conversations from new_rows n));
  else
    perform app.send_conversation_events(array(
      select n::public.conversations from new_rows n join old_rows o on o.id = n.id
      where app.conversation_event(n) is distinct from app.conversation_event(o)));
  end if;
  return null;
end;
$$;

create function app.broadcast_messages() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform realtime.send(app.message_event(n), 'message', 'conversation:' || n.conversation_id, true)
    from new_rows n;
  else
    perform realtime.send(app.message_event(n), 'message', 'conversation:' || n.conversation_id, true)
    from new_rows n join old_rows o on o.id = n.id
    where app.message_event(n) is distinct from app.message_event(o);
  end if;
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
