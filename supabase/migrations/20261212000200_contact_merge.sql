-- One person across channels (issue #23): merging two contacts of a workspace into one, and finding likely duplicates.

-- Contacts that look like this one's person: the same phone digits or the same email, with why.
create function app.duplicate_contacts(target uuid)
returns table (contact_id uuid, reason text)
language sql stable security definer set search_path = ''
as $$
  select other.id, case when other.phone_digits = ct.phone_digits then 'phone' else 'email' end
  from public.contacts ct
  join public.contacts other on other.workspace_id = ct.workspace_id and other.id <> ct.id
   and ((ct.phone_digits is not null and other.phone_digits = ct.phone_digits)
        or (ct.email is not null and lower(other.email) = lower(ct.email)))
  where ct.id = target and ct.workspace_id = any (array(select app.member_workspace_ids()))
  order by other.last_message_at desc, other.id
  limit 10
$$;
create index contacts_phone_digits_idx on public.contacts (workspace_id, phone_digits) where phone_digits is not null;
create index contacts_email_idx on public.contacts (workspace_id, lower(email)) where email is not null;

-- Merges `duplicate` into `kept` (managers and admins): identities, conversations, tags and timeline move to the kept
-- contact, which takes the duplicate's name, phone, email, stage or a field's value where `choices` says so
-- ({"displayName" | "phone" | "email" | "stage": "duplicate", "fields": {field id: "duplicate"}}) or where it has none;
-- notes are joined. Outcome: changed, forbidden, invalid (a contact with itself), not_found.
--
-- Ingest changes the same rows in the order identities → conversations → contacts (a conversation's newer message
-- bumps its contact); locking in that order too means a webhook for either contact waits for the merge, or the
-- merge for it, and never deadlocks with it. A message ingest stores meanwhile lands in its conversation, which is
-- the kept contact's once the merge commits.
create function app.merge_contacts(kept uuid, duplicate uuid, choices jsonb default '{}') returns text
language plpgsql security definer set search_path = ''
as $$
declare
  workspace uuid;
  keep_row public.contacts;
  dup_row public.contacts;
  take_dup_fields text[] := array(select k from jsonb_each_text(coalesce(choices -> 'fields', '{}')) f (k, v)
                                  where v = 'duplicate');
begin
  select ct.workspace_id into workspace from public.contacts ct
  where ct.id = kept and ct.workspace_id = any (array(select app.member_workspace_ids()));
  if not found or not exists (select 1 from public.contacts ct where ct.id = duplicate and ct.workspace_id = workspace) then
    return 'not_found';
  end if;
  if app.member_role(workspace) = 'agent' then return 'forbidden'; end if;
  if kept = duplicate then return 'invalid'; end if;

  perform 1 from public.contact_identities ci where ci.contact_id in (kept, duplicate) order by ci.id for update;
  perform 1 from public.conversations c where c.contact_id in (kept, duplicate) order by c.id for update;
  select * into keep_row from public.contacts where id = kept for update;
  select * into dup_row from public.contacts where id = duplicate for update;
  if keep_row.id is null or dup_row.id is null then return 'not_found'; end if;

  update public.contact_identities set contact_id = kept where contact_id = duplicate;
  update public.conversations set contact_id = kept, updated_at = now() where contact_id = duplicate;
  insert into public.contact_tags (workspace_id, contact_id, tag_id, created_at)
  select workspace, kept, tag_id, created_at from public.contact_tags where contact_id = duplicate
  on conflict do nothing;
  update public.contact_events set contact_id = kept where contact_id = duplicate;

  update public.contacts set
    display_name = case when choices ->> 'displayName' = 'duplicate' or keep_row.display_name is null
                        then coalesce(dup_row.display_name, keep_row.display_name) else keep_row.display_name end,
    avatar_url = coalesce(keep_row.avatar_url, dup_row.avatar_url),
    phone = case when choices ->> 'phone' = 'duplicate' or keep_row.phone is null
                 then coalesce(dup_row.phone, keep_row.phone) else keep_row.phone end,
    email = case when choices ->> 'email' = 'duplicate' or keep_row.email is null
                 then coalesce(dup_row.email, keep_row.email) else keep_row.email end,
    stage_id = case when choices ->> 'stage' = 'duplicate' or keep_row.stage_id is null
                    then coalesce(dup_row.stage_id, keep_row.stage_id) else keep_row.stage_id end,
    stage_changed_at = case when choices ->> 'stage' = 'duplicate' or keep_row.stage_id is null
                            then coalesce(dup_row.stage_changed_at, keep_row.stage_changed_at) else keep_row.stage_changed_at end,
    notes = left(concat_ws(E'\n\n', nullif(keep_row.notes, ''), nullif(dup_row.notes, '')), 10000),
    custom_fields = dup_row.custom_fields - take_dup_fields || keep_row.custom_fields
                    || (select coalesce(jsonb_object_agg(k, v), '{}') from jsonb_each(dup_row.custom_fields) d (k, v)
                        where k = any (take_dup_fields)),
    last_message_at = greatest(keep_row.last_message_at, dup_row.last_message_at),
    created_at = least(keep_row.created_at, dup_row.created_at),
    updated_at = now()
  where id = kept;

  delete from public.contacts where id = duplicate;
  insert into public.contact_events (workspace_id, contact_id, kind, detail, actor_user_id)
  values (workspace, kept, 'merged', jsonb_build_object('duplicate', duplicate, 'name', dup_row.display_name),
          (select auth.uid()));
  perform app.audit(workspace, 'contact', kept, 'contact.merged', jsonb_build_object('duplicate', duplicate));
  return 'changed';
end
$$;

revoke execute on function app.duplicate_contacts(uuid), app.merge_contacts(uuid, uuid, jsonb) from public;
grant execute on function app.duplicate_contacts(uuid), app.merge_contacts(uuid, uuid, jsonb) to authenticated, service_role;
