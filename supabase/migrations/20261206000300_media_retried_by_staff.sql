-- "Media unavailable — Retry": any member of the workspace may ask for a member's media again. The attachments that
-- were given up lose their `unavailable` mark (the thread shows them loading again) and the store-media job is added
-- anew; what was stored stays. 'changed', 'unchanged' (nothing given up), or 'not_found' (not a member's message of
-- one of the caller's workspaces, or unsent).
create function app.retry_media(target uuid) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  message_workspace uuid;
begin
  select m.workspace_id into message_workspace from public.messages m
  where m.id = target and m.direction = 'inbound' and m.deleted_at is null and app.member_role(m.workspace_id) is not null;
  if message_workspace is null then
    return 'not_found';
  end if;
  update public.messages m
  set attachments = (select jsonb_agg(case when a ? 'unavailable' and not a ? 'storedPath' then a - 'unavailable' else a end
                                      order by i)
                     from jsonb_array_elements(m.attachments) with ordinality as x(a, i))
  where m.id = target
    and exists (select 1 from jsonb_array_elements(m.attachments) a where a ? 'unavailable' and not a ? 'storedPath');
  if not found then
    return 'unchanged';
  end if;
  perform graphile_worker.add_job('store-media', json_build_object('messageId', target, 'workspaceId', message_workspace),
                                  job_key => 'store-media:' || target, max_attempts => 6);
  perform app.audit(message_workspace, 'message', target, 'message.media_retried');
  return 'changed';
end
$$;
revoke execute on function app.retry_media(uuid) from public;
grant execute on function app.retry_media(uuid) to authenticated;
