-- Members' media and staff uploads live in one private bucket, `attachments` (DESIGN §12): inbound at
-- `<workspace_id>/<conversation_id>/<message_id>/<n>-<name>`, staff uploads at `<workspace_id>/outbound/…`. Storage
-- reads and writes storage.objects as the caller, so these policies are the whole of who may do what: members of the
-- workspace named by the first folder read (and so sign URLs); staff upload only under their workspace's outbound
-- prefix; nobody but the server (service_role) overwrites or removes.
insert into storage.buckets (id, name, public, file_size_limit)
values ('attachments', 'attachments', false, 104857600)
on conflict (id) do nothing;

-- The workspace an object's path names, or null for a path that does not start with one.
create function app.attachment_workspace(object_name text) returns uuid
language sql immutable set search_path = ''
as $$
  select case when split_part(object_name, '/', 1) ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
              then split_part(object_name, '/', 1)::uuid end
$$;
revoke execute on function app.attachment_workspace(text) from public;
grant execute on function app.attachment_workspace(text) to authenticated, service_role;

create policy attachments_members_read on storage.objects for select to authenticated
  using (bucket_id = 'attachments'
         and app.attachment_workspace(name) = any (array(select app.member_workspace_ids())));

create policy attachments_staff_upload on storage.objects for insert to authenticated
  with check (bucket_id = 'attachments'
              and split_part(name, '/', 2) = 'outbound'
              and app.attachment_workspace(name) = any (array(select app.member_workspace_ids())));
