-- Sending: a staff reply is stored as `pending` (with its audit row) before Meta is called, so a crash or a
-- provider failure never loses it; `client_message_id` makes a double submit or a retried request one message.
-- What Meta answers then shows on the conversation: replies that failed, and a window Meta says is closed.

-- Queues a staff reply in a conversation the caller can see. Returns the message id and whether this
-- call created it (false: the same client_message_id was already queued, nothing new happened).
create function app.queue_outgoing_message(
  target_conversation uuid, client_message text, message_text text, message_attachments jsonb, preview text,
  out message_id uuid, out created boolean
)
language plpgsql security definer set search_path = ''
as $$
declare
  conversation record;
begin
  select c.id, c.workspace_id, c.channel_account_id into conversation
  from public.conversations c
  where c.id = target_conversation and c.workspace_id = any (array(select app.member_workspace_ids()));
  if not found then
    return;
  end if;

  insert into public.messages (workspace_id, conversation_id, channel_account_id, direction, kind, sender, sender_user_id,
                               text, preview, attachments, client_message_id, status)
  values (conversation.workspace_id, conversation.id, conversation.channel_account_id, 'outbound',
          case when message_attachments = '[]'::jsonb then 'text'
               when message_attachments -> 0 ->> 'type' = 'image' then 'image' else 'file' end::public.message_kind,
          'staff', (select auth.uid()), message_text, nullif(preview, message_text), message_attachments, client_message,
          'pending')
  on conflict (workspace_id, client_message_id) do nothing
  returning id into message_id;

  created := message_id is not null;
  if not created then
    select m.id into message_id from public.messages m
    where m.workspace_id = conversation.workspace_id and m.client_message_id = client_message
      and m.conversation_id = conversation.id;
    return;
  end if;

  update public.conversations set last_message_at = greatest(last_message_at, now()), last_message_preview = preview,
                                  updated_at = now()
  where id = conversation.id;
  insert into public.audit_logs (workspace_id, actor_user_id, entity, entity_id, action, metadata)
  values (conversation.workspace_id, (select auth.uid()), 'message', message_id, 'message.queued',
          jsonb_build_object('conversationId', conversation.id));
end
$$;
revoke execute on function app.queue_outgoing_message(uuid, text, text, jsonb, text) from public;
grant execute on function app.queue_outgoing_message(uuid, text, text, jsonb, text) to authenticated;

-- A reply that became failed, or stopped being failed (a retry), counts in its conversation's failed_sends.
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

-- Meta's refusal for the window (131047; Messenger's 10 / 2018278) closes the conversation's window until the
-- member writes again: a send refused synchronously (messages.send) or by a later status webhook alike.
create function app.note_window_closed() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  update public.conversations c set window_closed_at = greatest(c.window_closed_at, coalesce(new.failed_at, now())),
                                    updated_at = now()
  where c.id = new.conversation_id;
  return null;
end
$$;
revoke execute on function app.note_window_closed() from public;

-- A send refused synchronously (messages.send) or by a later status webhook (WhatsApp's 131047) alike.
create trigger messages_note_window_closed
  after update of status on public.messages
  for each row when (new.status = 'failed' and old.status <> 'failed' and new.error ->> 'code' = 'WINDOW_CLOSED')
  execute function app.note_window_closed();
