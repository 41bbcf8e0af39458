-- Members' media that arrived before store-media existed is fetched too, so no thread shows a Meta link: WhatsApp
-- media ids keep working for a while, and a CDN link that has expired is marked unavailable (with Retry).
select graphile_worker.add_jobs(array(
  select row('store-media', json_build_object('messageId', m.id, 'workspaceId', m.workspace_id), null, null, 6,
             'store-media:' || m.id, null, null)::graphile_worker.job_spec
  from public.messages m
  where m.direction = 'inbound' and m.deleted_at is null
    and exists (select 1 from jsonb_array_elements(m.attachments) a
                where (a ? 'mediaId' or a ? 'url') and not a ? 'storedPath' and not a ? 'unavailable')
));
