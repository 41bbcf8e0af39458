-- CSV import of contacts (issue #23). A manager or admin uploads the file to the workspace's `imports/` folder of the
-- attachments bucket (the policy below), maps its columns, and starts the import: a row here and an `import-contacts`
-- job, in one transaction. The worker streams the file, checks each row (server/services/contact-import-rows.ts) and
-- applies it in batches through app.import_contact_rows, each batch and the import's progress in one transaction, so
-- a retried job carries on after the last batch it committed and no row is applied twice.
create table public.contact_imports (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  created_by uuid references auth.users (id) on delete set null,
  file_path text not null check (split_part(file_path, '/', 2) = 'imports'),
  file_name text not null,
  -- {column header: target}, targets: name, phone, email, notes, tags, stage, field:<id>.
  mapping jsonb not null check (jsonb_typeof(mapping) = 'object'),
  default_country text check (default_country ~ '^[A-Z]{2}$'),
  match_on text not null check (match_on in ('phone', 'email')),
  mode text not null check (mode in ('create_or_update', 'create_only', 'update_only')),
  status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
  rows_done integer not null default 0,
  created integer not null default 0,
  updated integer not null default 0,
  skipped integer not null default 0,
  failed integer not null default 0,
  bytes_total bigint,
  bytes_done bigint not null default 0,
  error text,
  created_at timestamptz not null default now(),
  finished_at timestamptz,
  unique (workspace_id, id)
);
create index contact_imports_workspace_idx on public.contact_imports (workspace_id, created_at desc);
alter table public.contact_imports enable row level security;
create policy contact_imports_select_manager on public.contact_imports for select to authenticated
  using (app.member_role(workspace_id) in ('admin', 'manager'));
grant select on public.contact_imports to authenticated;
grant all on public.contact_imports to service_role;

-- The validation report: each refused row's number and what was wrong (the first 1,000 of an import).
create table public.contact_import_failures (
  import_id uuid not null,
  workspace_id uuid not null,
  row_number integer not null,
  problems text[] not null,
  primary key (import_id, row_number),
  foreign key (workspace_id, import_id) references public.contact_imports (workspace_id, id) on delete cascade
);
alter table public.contact_import_failures enable row level security;
create policy contact_import_failures_select_manager on public.contact_import_failures for select to authenticated
  using (app.member_role(workspace_id) in ('admin', 'manager'));
grant select on public.contact_import_failures to authenticated;
grant all on public.contact_import_failures to service_role;

create policy attachments_contact_import_upload on storage.objects for insert to authenticated
  with check (bucket_id = 'attachments'
              and split_part(name, '/', 2) = 'imports'
              and app.member_role(app.attachment_workspace(name)) in ('admin', 'manager'));

-- Starts an import of an uploaded file: outcome changed, forbidden (an agent), no_file (not uploaded to this
-- workspace's imports folder), invalid (a mapping target that is not one), not_found.
create function app.start_contact_import(target_workspace uuid, path text, name text, column_mapping jsonb, country text,
                                         match text, import_mode text, out outcome text, out import_id uuid)
language plpgsql security definer set search_path = ''
as $$
declare
  caller_role public.workspace_role := app.member_role(target_workspace);
  size bigint;
begin
  if caller_role is null then
    outcome := 'not_found';
    return;
  end if;
  if caller_role = 'agent' then
    outcome := 'forbidden';
    return;
  end if;
  if exists (select 1 from jsonb_each_text(column_mapping) m (k, v)
             where v not in ('name', 'phone', 'email', 'notes', 'tags', 'stage')
               and not (v like 'field:%' and exists (select 1 from public.contact_fields f
                                                     where f.workspace_id = target_workspace and 'field:' || f.id = v)))
     or not exists (select 1 from jsonb_each_text(column_mapping) m (k, v) where v = match)
     or match not in ('phone', 'email') or import_mode not in ('create_or_update', 'create_only', 'update_only') then
    outcome := 'invalid';
    return;
  end if;
  select (o.metadata ->> 'size')::bigint into size from storage.objects o
  where o.bucket_id = 'attachments' and o.name = path and starts_with(path, target_workspace || '/imports/');
  if not found then
    outcome := 'no_file';
    return;
  end if;
  insert into public.contact_imports (workspace_id, created_by, file_path, file_name, mapping, default_country, match_on,
                                      mode, bytes_total)
  values (target_workspace, (select auth.uid()), path, left(name, 200), column_mapping, country, match, import_mode, size)
  returning id into import_id;
  perform graphile_worker.add_job('import-contacts', json_build_object('importId', import_id), max_attempts := 5,
                                  job_key := 'import-contacts:' || import_id);
  perform app.audit(target_workspace, 'contact_import', import_id, 'contacts.import_started',
                    jsonb_build_object('file', left(name, 200)));
  outcome := 'changed';
end
$$;

-- Applies one batch of checked rows (the worker's; service_role only) and moves the import's progress past it, in one
-- transaction. `first_row` must follow what is done, so a batch a retried job sends again is skipped ('done'); else
-- 'applied'. Each row: {"n", "problems"?: [...], "name"?, "phone"?, "email"?, "notes"?, "tags"?: [...], "stage"?: id,
-- "fields"?: {id: value}}; a row with problems is only reported.
-- B-tree lookups only: importing into a new gym, the plans made while its contacts looked few (a scan, or a trigram
-- index that reads every phone's posting list) would be kept for the whole file.
create function app.import_contact_rows(target_import uuid, first_row integer, batch jsonb, batch_bytes bigint)
returns text
language plpgsql security definer set search_path = '' set enable_seqscan = off set enable_bitmapscan = off
as $$
declare
  job public.contact_imports;
  r jsonb;
  key text;
  found_id uuid;
  new_id uuid;
  tag_name text;
  tag uuid;
  created_count integer := 0;
  updated_count integer := 0;
  skipped_count integer := 0;
  failed_count integer := 0;
  last_row integer := first_row - 1;
begin
  select * into job from public.contact_imports where id = target_import for update;
  if not found or job.status in ('done', 'failed') or first_row <= job.rows_done then return 'done'; end if;
  for r in select value from jsonb_array_elements(batch)
  loop
    last_row := (r ->> 'n')::integer;
    if jsonb_array_length(coalesce(r -> 'problems', '[]')) > 0 then
      failed_count := failed_count + 1;
      insert into public.contact_import_failures (import_id, workspace_id, row_number, problems)
      select target_import, job.workspace_id, last_row, array(select jsonb_array_elements_text(r -> 'problems'))
      where job.failed + failed_count <= 1000
      on conflict do nothing;
      continue;
    end if;
    key := r ->> job.match_on;
    found_id := null;
    if job.match_on = 'phone' then
      select ct.id into found_id from public.contacts ct
      where ct.workspace_id = job.workspace_id and ct.phone_digits = regexp_replace(key, '[^0-9]', '', 'g')
      limit 1;
    else
      select ct.id into found_id from public.contacts ct
      where ct.workspace_id = job.workspace_id and lower(ct.email) = lower(key)
      limit 1;
    end if;
    if (found_id is null and job.mode = 'update_only') or (found_id is not null and job.mode = 'create_only') then
      skipped_count := skipped_count + 1;
      continue;
    end if;
    if found_id is null then
      insert into public.contacts (workspace_id, display_name, phone, email, notes, stage_id, stage_changed_at, custom_fields)
      values (job.workspace_id, r ->> 'name', r ->> 'phone', lower(r ->> 'email'), coalesce(r ->> 'notes', ''),
              (r ->> 'stage')::uuid, case when r ? 'stage' then now() end, coalesce(r -> 'fields', '{}'))
      returning id into new_id;
      insert into public.contact_events (workspace_id, contact_id, kind, detail, actor_user_id)
      values (job.workspace_id, new_id, 'imported', jsonb_build_object('file', job.file_name), job.created_by);
      created_count := created_count + 1;
    else
      new_id := found_id;
      if r ? 'stage' then
        insert into public.contact_events (workspace_id, contact_id, kind, detail, actor_user_id)
        select job.workspace_id, ct.id, 'stage_changed', app.stage_change_detail(ct.stage_id, (r ->> 'stage')::uuid),
               job.created_by
        from public.contacts ct where ct.id = found_id and ct.stage_id is distinct from (r ->> 'stage')::uuid;
      end if;
      update public.contacts ct set
        display_name = coalesce(r ->> 'name', ct.display_name),
        phone = coalesce(r ->> 'phone', ct.phone),
        email = coalesce(lower(r ->> 'email'), ct.email),
        notes = case when r ? 'notes' and ct.notes = '' then r ->> 'notes'
                     when r ? 'notes' and position(r ->> 'notes' in ct.notes) = 0
                       then left(ct.notes || E'\n\n' || (r ->> 'notes'), 10000)
                     else ct.notes end,
        stage_id = case when r ? 'stage' then (r ->> 'stage')::uuid else ct.stage_id end,
        stage_changed_at = case when r ? 'stage' and ct.stage_id is distinct from (r ->> 'stage')::uuid then now()
                                else ct.stage_changed_at end,
        custom_fields = ct.custom_fields || coalesce(r -> 'fields', '{}'),
        updated_at = now()
      where ct.id = found_id;
      updated_count := updated_count + 1;
    end if;
    for tag_name in select jsonb_array_elements_text(coalesce(r -> 'tags', '[]'))
    loop
      -- Looked up first: an upsert would write a new version of the tag (and its index entry) for every row.
      select t.id into tag from public.tags t where t.workspace_id = job.workspace_id and lower(t.name) = lower(tag_name);
      if tag is null then
        insert into public.tags (workspace_id, name) values (job.workspace_id, tag_name)
        on conflict (workspace_id, lower(name)) do nothing
        returning id into tag;
        if tag is null then
          select t.id into tag from public.tags t where t.workspace_id = job.workspace_id and lower(t.name) = lower(tag_name);
        end if;
      end if;
      insert into public.contact_tags (workspace_id, contact_id, tag_id) values (job.workspace_id, new_id, tag)
      on conflict do nothing;
    end loop;
  end loop;
  update public.contact_imports set
    status = 'running', rows_done = last_row, bytes_done = least(bytes_done + batch_bytes, coalesce(bytes_total, bytes_done + batch_bytes)),
    created = created + created_count, updated = updated + updated_count, skipped = skipped + skipped_count,
    failed = failed + failed_count
  where id = target_import;
  return 'applied';
end
$$;

-- Ends an import: done, or failed with why (a file that is not CSV, gone from Storage).
create function app.finish_contact_import(target_import uuid, problem text default null) returns void
language sql security definer set search_path = ''
as $$
  update public.contact_imports set status = case when problem is null then 'done' else 'failed' end, error = problem,
                                    bytes_done = case when problem is null then coalesce(bytes_total, bytes_done) else bytes_done end,
                                    finished_at = now()
  where id = target_import and status in ('queued', 'running')
$$;

revoke execute on function app.start_contact_import(uuid, text, text, jsonb, text, text, text),
  app.import_contact_rows(uuid, integer, jsonb, bigint), app.finish_contact_import(uuid, text) from public;
grant execute on function app.start_contact_import(uuid, text, text, jsonb, text, text, text) to authenticated, service_role;
grant execute on function app.import_contact_rows(uuid, integer, jsonb, bigint), app.finish_contact_import(uuid, text)
  to service_role;
