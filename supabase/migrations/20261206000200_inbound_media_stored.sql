-- A member's media is fetched into the attachments bucket by the worker (`store-media`, DESIGN §12): one job per
-- message that carries a WhatsApp media id or a Meta URL, enqueued in the transaction that stores the message. The
-- job writes back, per attachment, where the bytes are and what they are (`app.note_stored_media`), or that they
-- could not be had (`unavailable`), and the message's broadcast shows the thread the change.
create function app.enqueue_media_downloads() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  perform graphile_worker.add_jobs(array(
    select row('store-media', json_build_object('messageId', n.id, 'workspaceId', n.workspace_id), null, null, 6,
               'store-media:' || n.id, null, null)::graphile_worker.job_spec
    from new_messages n
    where n.direction = 'inbound'
      and exists (select 1 from jsonb_array_elements(n.attachments) a where a ? 'mediaId' or a ? 'url')
  ));
  return null;
end
$$;
revoke execute on function app.enqueue_media_downloads() from public;
create trigger messages_enqueue_media_downloads after insert on public.messages
  referencing new table as new_messages
  for each statement execute function app.enqueue_media_downloads();

-- Merges what the worker learnt into one attachment (by its index): `storedPath`, `mimeType` (sniffed), `size`,
-- `width`/`height`, or `unavailable` with a reason. 'changed', or 'not_found' when the message or position is gone
-- (unsent meanwhile: its attachments were wiped, and stay so).
create function app.note_stored_media(target uuid, at_index integer, stored jsonb) returns text
language plpgsql security definer set search_path = ''
as $$
begin
  update public.messages m
  set attachments = jsonb_set(m.attachments, array[at_index::text], (m.attachments -> at_index) || stored)
  where m.id = target and m.deleted_at is null and at_index >= 0 and at_index < jsonb_array_length(m.attachments);
  return case when found then 'changed' else 'not_found' end;
end
$$;
revoke execute on function app.note_stored_media(uuid, integer, jsonb) from public;
grant execute on function app.note_stored_media(uuid, integer, jsonb) to service_role;
