-- Staff replies with a file (issue #20, ADR 023): the browser uploads it to `<workspace>/outbound/<conversation>/…` in
-- the attachments bucket with the user's own token (…_attachments_bucket.sql lets staff insert there, nowhere else);
-- messages.send names the stored path; the `send-media` job streams it to Meta. What a channel takes is checked here
-- too, from what Storage recorded of the object, so a caller of app.queue_outgoing_message cannot name a file of
-- another conversation, one that is not there, or one the channel refuses.

-- What each channel takes (supabase/functions/_shared/outbound-media.ts holds the same rows: a test compares them).
-- `*` is every type no other row of the provider names.
create function app.outbound_media_rules()
returns table (provider public.channel_provider, type text, mime_type text, max_bytes bigint)
language sql immutable set search_path = ''
as $$
  values
    ('whatsapp'::public.channel_provider, 'image', 'image/jpeg', 5000000::bigint),
    ('whatsapp', 'image', 'image/png', 5000000),
    ('whatsapp', 'sticker', 'image/webp', 500000),
    ('whatsapp', 'video', 'video/mp4', 16000000),
    ('whatsapp', 'video', 'video/3gpp', 16000000),
    ('whatsapp', 'audio', 'audio/aac', 16000000),
    ('whatsapp', 'audio', 'audio/amr', 16000000),
    ('whatsapp', 'audio', 'audio/mpeg', 16000000),
    ('whatsapp', 'audio', 'audio/mp4', 16000000),
    ('whatsapp', 'audio', 'audio/ogg', 16000000),
    ('whatsapp', 'document', 'application/pdf', 100000000),
    ('whatsapp', 'document', 'application/msword', 100000000),
    ('whatsapp', 'document', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 100000000),
    ('whatsapp', 'document', 'application/vnd.ms-excel', 100000000),
    ('whatsapp', 'document', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 100000000),
    ('whatsapp', 'document', 'application/vnd.ms-powerpoint', 100000000),
    ('whatsapp', 'document', 'application/vnd.openxmlformats-officedocument.presentationml.presentation', 100000000),
    ('whatsapp', 'document', 'text/plain', 100000000),
    ('messenger', 'image', 'image/jpeg', 25000000),
    ('messenger', 'image', 'image/png', 25000000),
    ('messenger', 'image', 'image/gif', 25000000),
    ('messenger', 'video', 'video/mp4', 25000000),
    ('messenger', 'audio', 'audio/mpeg', 25000000),
    ('messenger', 'audio', 'audio/mp4', 25000000),
    ('messenger', 'audio', 'audio/aac', 25000000),
    ('messenger', 'audio', 'audio/wav', 25000000),
    ('messenger', 'audio', 'audio/ogg', 25000000),
    ('messenger', 'file', '*', 25000000),
    ('instagram', 'image', 'image/jpeg', 8000000),
    ('instagram', 'image', 'image/png', 8000000),
    ('instagram', 'image', 'image/gif', 8000000),
    ('instagram', 'video', 'video/mp4', 25000000),
    ('instagram', 'video', 'video/ogg', 25000000),
    ('instagram', 'video', 'video/x-msvideo', 25000000),
    ('instagram', 'video', 'video/quicktime', 25000000),
    ('instagram', 'video', 'video/webm', 25000000),
    ('instagram', 'audio', 'audio/aac', 25000000),
    ('instagram', 'audio', 'audio/mp4', 25000000),
    ('instagram', 'audio', 'audio/wav', 25000000),
    ('instagram', 'file', 'application/pdf', 25000000)
$$;

-- Other names for the same formats (MIME_ALIASES in outbound-media.ts; the same test compares them).
create function app.outbound_mime_aliases() returns table (alias text, mime_type text)
language sql immutable set search_path = ''
as $$
  values ('image/jpg', 'image/jpeg'), ('image/pjpeg', 'image/jpeg'), ('audio/mp3', 'audio/mpeg'),
         ('audio/x-m4a', 'audio/mp4'), ('audio/m4a', 'audio/mp4'), ('audio/x-aac', 'audio/aac'),
         ('audio/opus', 'audio/ogg'), ('audio/x-wav', 'audio/wav'), ('audio/wave', 'audio/wav'),
         ('audio/vnd.wave', 'audio/wav'), ('video/avi', 'video/x-msvideo')
$$;

-- The rule a file of `mime` falls under on `target_provider`: no row when the channel takes no such file.
create function app.outbound_media_rule(target_provider public.channel_provider, mime text)
returns table (type text, mime_type text, max_bytes bigint)
language sql immutable set search_path = ''
as $$
  with normalized as (
    select coalesce((select a.mime_type from app.outbound_mime_aliases() a
                     where a.alias = lower(trim(split_part(mime, ';', 1)))),
                    lower(trim(split_part(mime, ';', 1)))) as mime
  )
  select r.type, n.mime, r.max_bytes
  from app.outbound_media_rules() r, normalized n
  where r.provider = target_provider and (r.mime_type = n.mime or r.mime_type = '*')
  order by r.mime_type = '*'
  limit 1
$$;
grant execute on function app.outbound_media_rules(), app.outbound_mime_aliases(),
  app.outbound_media_rule(public.channel_provider, text) to authenticated, service_role;

-- When the send-media job claimed the reply, just before it asked Meta to send it: from then on a retry could send
-- it twice. Null while the file is still on its way to Meta (a reply that fails then was certainly not delivered).
alter table public.messages add column send_started_at timestamptz;

-- A staff reply, as before (…_sending.sql), now with at most one stored file: its path must be in this workspace's
-- outbound folder for this conversation, the object must exist, and the channel must take its type and size. The
-- attachment's type, MIME type and size come from Storage's record of the object, never from the caller. A caption
-- (message_text with a file) only on WhatsApp, at most 1,024 characters.
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
    if path is null or not starts_with(path, conversation.workspace_id || '/outbound/' || conversation.id || '/') then
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

  update public.conversations set last_message_at = greatest(last_message_at, now()), last_message_preview = preview,
                                  updated_at = now()
  where id = conversation.id;
  insert into public.audit_logs (workspace_id, actor_user_id, entity, entity_id, action, metadata)
  values (conversation.workspace_id, (select auth.uid()), 'message', message_id, 'message.queued',
          jsonb_build_object('conversationId', conversation.id));
end
$$;

-- One `send-media` job per reply with a file, in its conversation's queue (files go out in the order they were sent).
create function app.schedule_media_sends(message_ids uuid[]) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  perform graphile_worker.add_jobs(array(
    select row('send-media', json_build_object('messageId', m.id, 'workspaceId', m.workspace_id),
               'send-media:' || m.conversation_id, null, 5, 'send-media:' || m.id, null, null)::graphile_worker.job_spec
    from public.messages m
    where m.id = any (message_ids)
  ));
end
$$;
revoke execute on function app.schedule_media_sends(uuid[]) from public;
grant execute on function app.schedule_media_sends(uuid[]) to service_role;

-- A text reply is sent by the request that queued it, and confirmed within a minute; a reply with a file is sent by
-- its job, which schedules the confirmation when it claims the reply.
create or replace function app.enqueue_send_confirmations() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  texts uuid[] := array(select m.id from new_messages m
                        where m.sender = 'staff' and m.status = 'pending' and m.attachments = '[]'::jsonb);
  files uuid[] := array(select m.id from new_messages m
                        where m.sender = 'staff' and m.status = 'pending' and m.attachments <> '[]'::jsonb);
begin
  if cardinality(texts) > 0 then
    perform app.schedule_send_confirmations(texts);
  end if;
  if cardinality(files) > 0 then
    perform app.schedule_media_sends(files);
  end if;
  return null;
end
$$;

-- As before, except a reply with a file whose job never claimed it: it never reached Meta, so it failed plainly and
-- Retry sends it without asking.
create or replace function app.settle_unconfirmed_send(message uuid) returns text
language sql security definer set search_path = ''
as $$
  with settled as (
    update public.messages m
    set status = 'failed', failed_at = now(),
        error = case
          when m.attachments <> '[]'::jsonb and m.send_started_at is null then jsonb_build_object(
            'code', 'PROVIDER_ERROR', 'retryable', true, 'providerCode', null,
            'message', 'The file could not be sent. Try again.')
          else jsonb_build_object(
            'code', 'PROVIDER_ERROR', 'retryable', true, 'mayHaveBeenDelivered', true, 'providerCode', null,
            'message', 'Meta did not confirm this reply. It may have been delivered: check before sending it again.')
        end
    where m.id = message and m.status = 'pending' and m.direction = 'outbound'
    returning m.id
  )
  select case when exists (select 1 from settled) then 'failed' else 'settled' end
$$;

-- Staff uploads no reply names (cancelled, or the tab closed before Send) older than `age`, oldest first: the hourly
-- retention job removes them through the Storage API (deleting storage.objects rows alone would leave the files).
-- Looked up by the conversation the path names (its third folder, read as a uuid by app.attachment_workspace), so the
-- messages index answers.
create function app.abandoned_outbound_uploads(age interval, batch integer) returns setof text
language sql stable security definer set search_path = ''
as $$
  select o.name from storage.objects o
  where o.bucket_id = 'attachments' and split_part(o.name, '/', 2) = 'outbound' and o.created_at < now() - age
    and not exists (
      select 1 from public.messages m
      where m.conversation_id = app.attachment_workspace(split_part(o.name, '/', 3) || '/')
        and m.attachments -> 0 ->> 'storedPath' = o.name)
  order by o.created_at
  limit batch
$$;
revoke execute on function app.abandoned_outbound_uploads(interval, integer) from public;
grant execute on function app.abandoned_outbound_uploads(interval, integer) to service_role;
