-- What a reply carries besides its text (issue #22), kept in its `metadata` so a retry sends it the same way.
-- Messenger message tags: a reply after the 24-hour window with one of the tags Meta allows (Instagram takes only
-- HUMAN_AGENT, the workspace setting's; supabase/functions/_shared/message-tags.ts holds the same list: a test compares
-- them), chosen by the sender, audited.
create function app.message_tags() returns setof text
language sql immutable set search_path = ''
as $$ values ('CONFIRMED_EVENT_UPDATE'), ('ACCOUNT_UPDATE'), ('POST_PURCHASE_UPDATE') $$;

-- The caller's own reply while it is still pending (what may still be added to it), with its channel; no row else.
create function app.own_pending_reply(target_message uuid)
returns table (id uuid, workspace_id uuid, conversation_id uuid, text text, kind public.message_kind,
               provider public.channel_provider)
language sql stable security definer set search_path = ''
as $$
  select m.id, m.workspace_id, m.conversation_id, m.text, m.kind, ca.provider
  from public.messages m
  join public.channel_accounts ca on ca.id = m.channel_account_id
  where m.id = target_message and m.sender_user_id = (select auth.uid()) and m.status = 'pending'
    and m.direction = 'outbound' and m.workspace_id = any (array(select app.member_workspace_ids()))
$$;
revoke execute on function app.own_pending_reply(uuid) from public;

-- Tags the caller's own pending reply on a Messenger conversation: changed, invalid (not a tag, or not Messenger),
-- not_found (not the caller's pending reply).
create function app.tag_outgoing_message(target_message uuid, message_tag text) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  reply record;
begin
  select * into reply from app.own_pending_reply(target_message);
  if reply.id is null then
    return 'not_found';
  end if;
  if message_tag not in (select app.message_tags()) or reply.provider <> 'messenger' then
    return 'invalid';
  end if;
  update public.messages set metadata = metadata || jsonb_build_object('tag', message_tag) where id = reply.id;
  perform app.audit(reply.workspace_id, 'message', reply.id, 'message.tagged',
                    jsonb_build_object('conversationId', reply.conversation_id, 'tag', message_tag));
  return 'changed';
end
$$;
revoke execute on function app.tag_outgoing_message(uuid, text) from public;
grant execute on function app.tag_outgoing_message(uuid, text) to authenticated;

-- Buttons under a text reply (supabase/functions/_shared/reply-buttons.ts): WhatsApp reply buttons, Messenger and
-- Instagram quick replies. How many each channel takes:
create function app.reply_button_limit(provider public.channel_provider) returns integer
language sql immutable set search_path = ''
as $$ select case provider when 'whatsapp' then 3 else 13 end $$;

-- Puts buttons on the caller's own pending text reply: changed, invalid (too many for the channel, a title empty, over
-- 20 characters or twice, a WhatsApp text over 1,024 characters), not_found (not the caller's pending reply).
create function app.add_reply_buttons(target_message uuid, titles text[]) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  reply record;
begin
  select * into reply from app.own_pending_reply(target_message);
  if reply.id is null then
    return 'not_found';
  end if;
  if reply.kind <> 'text' or coalesce(cardinality(titles), 0) not between 1 and app.reply_button_limit(reply.provider)
     or exists (select 1 from unnest(titles) t where char_length(btrim(coalesce(t, ''))) not between 1 and 20)
     or (select count(distinct lower(btrim(t))) from unnest(titles) t) < cardinality(titles)
     or (reply.provider = 'whatsapp' and char_length(reply.text) > 1024) then
    return 'invalid';
  end if;
  update public.messages set metadata = metadata || jsonb_build_object('buttons', to_jsonb(titles)) where id = reply.id;
  return 'changed';
end
$$;
revoke execute on function app.add_reply_buttons(uuid, text[]) from public;
grant execute on function app.add_reply_buttons(uuid, text[]) to authenticated;

-- The thread shows what a reply went with besides its text: its buttons, its message tag, its template.
create or replace function app.message_event(m public.messages) returns jsonb
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
    'mentions', m.mentioned_user_ids, 'createdAt', m.created_at,
    'buttons', coalesce(m.metadata #> '{buttons}', '[]'::jsonb), 'tag', m.metadata #>> '{tag}',
    'templateName', m.metadata #>> '{template,name}')
$$;
