-- Messenger and Instagram message tags (issue #22): a reply sent after the 24-hour window with one of the tags Meta
-- allows (supabase/functions/_shared/message-tags.ts holds the same list: a test compares them), chosen by the sender,
-- kept on the reply (`metadata.tag`, so a retry sends it the same way) and audited.
create function app.message_tags() returns setof text
language sql immutable set search_path = ''
as $$ values ('CONFIRMED_EVENT_UPDATE'), ('ACCOUNT_UPDATE'), ('POST_PURCHASE_UPDATE') $$;

-- Tags the caller's own pending reply on a Messenger or Instagram conversation: changed, invalid (not a tag, or not
-- one of those channels), not_found (not the caller's pending reply).
create function app.tag_outgoing_message(target_message uuid, message_tag text) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  reply record;
begin
  select m.id, m.workspace_id, m.conversation_id, ca.provider into reply
  from public.messages m
  join public.channel_accounts ca on ca.id = m.channel_account_id
  where m.id = target_message and m.sender_user_id = (select auth.uid()) and m.status = 'pending'
    and m.direction = 'outbound' and m.workspace_id = any (array(select app.member_workspace_ids()));
  if not found then
    return 'not_found';
  end if;
  if message_tag not in (select app.message_tags()) or reply.provider not in ('messenger', 'instagram') then
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
