-- Saved replies with a file (issue #22): a timetable PDF, a price list photo. Managers and admins upload it to the
-- workspace's `saved-replies/` folder of the attachments bucket (the policy below) and save it with the reply; every
-- member reads it. Picked in the composer, it is sent like a file uploaded to the conversation: app.queue_outgoing_message
-- now also takes a path that is a saved reply's file of the conversation's workspace (and still checks it against the
-- channel's types and sizes, from Storage's record). A saved reply deleted or changed keeps its old file in Storage:
-- replies already sent show it.
alter table public.saved_replies add column attachment_path text
  check (attachment_path is null or split_part(attachment_path, '/', 2) = 'saved-replies');

create policy attachments_saved_reply_upload on storage.objects for insert to authenticated
  with check (bucket_id = 'attachments'
              and split_part(name, '/', 2) = 'saved-replies'
              and app.member_role(app.attachment_workspace(name)) in ('admin', 'manager'));

-- As before, with the reply's file: null for none, else a file of this workspace's saved-replies folder that is in
-- Storage. Outcomes as before, and no_file (the file is not there, or not in that folder).
drop function app.save_saved_reply(uuid, uuid, text, text);
create function app.save_saved_reply(target_workspace uuid, reply uuid, new_shortcut text, new_body text,
                                     new_attachment text, out outcome text, out reply_id uuid)
language plpgsql security definer set search_path = ''
as $$
declare
  caller_role public.workspace_role := app.member_role(target_workspace);
begin
  if caller_role is null then
    outcome := 'not_found';
    return;
  end if;
  if caller_role = 'agent' then
    outcome := 'forbidden';
    return;
  end if;
  if new_shortcut !~ '^[a-z0-9][a-z0-9_-]{0,31}$' or char_length(btrim(coalesce(new_body, ''))) not between 1 and 4096 then
    outcome := 'invalid';
    return;
  end if;
  if new_attachment is not null and (not starts_with(new_attachment, target_workspace || '/saved-replies/') or not exists (
       select 1 from storage.objects o where o.bucket_id = 'attachments' and o.name = new_attachment)) then
    outcome := 'no_file';
    return;
  end if;
  begin
    if reply is null then
      insert into public.saved_replies (workspace_id, shortcut, body, attachment_path, created_by, updated_by)
      values (target_workspace, new_shortcut, new_body, new_attachment, (select auth.uid()), (select auth.uid()))
      returning id into reply_id;
    else
      update public.saved_replies set shortcut = new_shortcut, body = new_body, attachment_path = new_attachment,
                                      updated_by = (select auth.uid()), updated_at = now()
      where id = reply and workspace_id = target_workspace
      returning id into reply_id;
      if reply_id is null then
        outcome := 'not_found';
        return;
      end if;
    end if;
  exception when unique_violation then
    outcome := 'taken';
    return;
  end;
  outcome := 'changed';
  perform app.audit(target_workspace, 'saved_reply', reply_id, case when reply is null then 'saved_reply.created'
                                                                   else 'saved_reply.edited' end,
                    jsonb_build_object('shortcut', new_shortcut, 'withFile', new_attachment is not null));
end
$$;
revoke execute on function app.save_saved_reply(uuid, uuid, text, text, text) from public;
grant execute on function app.save_saved_reply(uuid, uuid, text, text, text) to authenticated, service_role;

-- A staff reply's file may also be a saved reply's.
create or replace function app.queue_outgoing_message(
  target_conversation uuid, client_message text, message_text text, message_attachments jsonb, preview text,
  out message_id uuid, out created boolean
)
language plpgsql security definer set search_path = ''
as $$
declare
  conversation record;
  stored record;
  media_type text;
  media_mime text;
  media_max bigint;
  path text := message_attachments -> 0 ->> 'storedPath';
  attachments jsonb := '[]';
begin
  select c.id, c.workspace_id, c.channel_account_id, ca.provider into conversation
  from public.conversations c
  join public.channel_accounts ca on ca.id = c.channel_account_id
  where c.id = target_conversation and c.workspace_id = any (array(select app.member_workspace_ids()));
  if not found then
    return;
  end if;

  if jsonb_array_length(coalesce(message_attachments, '[]')) > 1 then
    raise exception 'a reply carries at most one file' using errcode = '22023';
  end if;
  if jsonb_array_length(coalesce(message_attachments, '[]')) = 1 then
    -- Uploaded to this conversation, or a saved reply's file of this workspace.
    if path is null or not (starts_with(path, conversation.workspace_id || '/outbound/' || conversation.id || '/')
                            or exists (select 1 from public.saved_replies r
                                       where r.workspace_id = conversation.workspace_id and r.attachment_path = path)) then
      raise exception 'the file must be uploaded to this conversation''s outbound folder' using errcode = '22023';
    end if;
    select o.metadata ->> 'mimetype' as mime, (o.metadata ->> 'size')::bigint as size into stored
    from storage.objects o where o.bucket_id = 'attachments' and o.name = path;
    if not found then
      raise exception 'the file is not in storage' using errcode = '22023';
    end if;
    select r.type, r.mime_type, r.max_bytes into media_type, media_mime, media_max
    from app.outbound_media_rule(conversation.provider, coalesce(stored.mime, 'application/octet-stream')) r;
    if media_type is null or stored.size > media_max or coalesce(stored.size, 0) = 0 then
      raise exception 'the channel does not take this file' using errcode = '22023';
    end if;
    if message_text is not null and (conversation.provider <> 'whatsapp' or char_length(message_text) > 1024) then
      raise exception 'a caption goes with a WhatsApp file only, up to 1024 characters' using errcode = '22023';
    end if;
    attachments := jsonb_build_array(jsonb_build_object(
      'type', media_type, 'storedPath', path, 'mimeType', media_mime, 'size', stored.size,
      'title', nullif(regexp_replace(path, '^.*/[0-9a-f-]{36}-', ''), path)));
  end if;

  insert into public.messages (workspace_id, conversation_id, channel_account_id, direction, kind, sender, sender_user_id,
                               text, preview, attachments, client_message_id, status)
  values (conversation.workspace_id, conversation.id, conversation.channel_account_id, 'outbound',
          case when media_type is null then 'text'
               when media_type in ('document', 'file') then 'file'
               else media_type end::public.message_kind,
          'staff', (select auth.uid()), message_text, nullif(preview, message_text), attachments, client_message,
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

  perform app.note_queued_reply(conversation.workspace_id, conversation.id, message_id, preview, '{}');
end
$$;
