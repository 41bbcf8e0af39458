-- Members as a CRM (issue #23): tags as the workspace's own entities, a pipeline of stages, custom fields, and a
-- timeline of what happened to a contact. Every member reads them; writes go through the functions below (DESIGN §13):
-- any member applies existing tags, moves a contact between stages and fills in fields; managers and admins define
-- tags, stages and fields.

-- The colours a tag may have: named, so the app draws each with its own accessible pair (contact-taxonomy.ts).
create function app.tag_colours() returns setof text
language sql immutable set search_path = ''
as $$ select unnest(array['slate', 'red', 'amber', 'green', 'teal', 'blue', 'indigo', 'pink']) $$;
grant execute on function app.tag_colours() to public;

create table public.tags (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  name text not null check (name = btrim(name) and char_length(name) between 1 and 40),
  colour text not null default 'slate',
  created_at timestamptz not null default now(),
  unique (workspace_id, id)
);
create unique index tags_name_key on public.tags (workspace_id, lower(name));
alter table public.tags enable row level security;
create policy tags_select_member on public.tags for select to authenticated
  using (workspace_id = any (array(select app.member_workspace_ids())));
grant select on public.tags to authenticated;
grant all on public.tags to service_role;

create table public.contact_tags (
  workspace_id uuid not null,
  contact_id uuid not null,
  tag_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (contact_id, tag_id),
  foreign key (workspace_id, contact_id) references public.contacts (workspace_id, id) on delete cascade,
  foreign key (workspace_id, tag_id) references public.tags (workspace_id, id) on delete cascade
);
create index contact_tags_tag_idx on public.contact_tags (tag_id, contact_id);
alter table public.contact_tags enable row level security;
create policy contact_tags_select_member on public.contact_tags for select to authenticated
  using (workspace_id = any (array(select app.member_workspace_ids())));
grant select on public.contact_tags to authenticated;
grant all on public.contact_tags to service_role;

create table public.pipeline_stages (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  name text not null check (name = btrim(name) and char_length(name) between 1 and 40),
  position integer not null,
  created_at timestamptz not null default now(),
  unique (workspace_id, id)
);
create unique index pipeline_stages_name_key on public.pipeline_stages (workspace_id, lower(name));
alter table public.pipeline_stages enable row level security;
create policy pipeline_stages_select_member on public.pipeline_stages for select to authenticated
  using (workspace_id = any (array(select app.member_workspace_ids())));
grant select on public.pipeline_stages to authenticated;
grant all on public.pipeline_stages to service_role;

create table public.contact_fields (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  key text not null check (key ~ '^[a-z][a-z0-9_]{0,31}$'),
  label text not null check (label = btrim(label) and char_length(label) between 1 and 60),
  type text not null check (type in ('text', 'number', 'date', 'select', 'checkbox')),
  options text[] not null default '{}',
  position integer not null,
  created_at timestamptz not null default now(),
  unique (workspace_id, key),
  check ((type = 'select') = (cardinality(options) > 0) and cardinality(options) <= 50)
);
alter table public.contact_fields enable row level security;
create policy contact_fields_select_member on public.contact_fields for select to authenticated
  using (workspace_id = any (array(select app.member_workspace_ids())));
grant select on public.contact_fields to authenticated;
grant all on public.contact_fields to service_role;

alter table public.contacts
  add column stage_id uuid,
  add column stage_changed_at timestamptz,
  add column custom_fields jsonb not null default '{}' check (jsonb_typeof(custom_fields) = 'object'),
  add column last_message_at timestamptz not null default '-infinity',
  add foreign key (workspace_id, stage_id) references public.pipeline_stages (workspace_id, id) on delete set null (stage_id);
comment on column public.contacts.custom_fields is 'Values of the workspace''s contact_fields, by field id.';
comment on column public.contacts.last_message_at is
  'The latest message in any of the contact''s conversations; -infinity when there is none (an imported contact).';

-- The contacts page's orders and the board's columns, each a keyset walk in one index.
create index contacts_recent_idx on public.contacts (workspace_id, last_message_at desc, id desc);
create index contacts_stage_recent_idx on public.contacts (workspace_id, stage_id, last_message_at desc, id desc);
create index contacts_name_idx on public.contacts (workspace_id, lower(coalesce(display_name, '')), id);
create index contacts_created_idx on public.contacts (workspace_id, created_at desc, id desc);
-- The contacts page's search (app.search_contact_ids): trigram indexes of the text alone. The inbox's (workspace_id,
-- text) ones make every lookup read the whole workspace's posting list first (~15 ms each at 100k contacts); these
-- read only the term's, and the workspace is checked on the few rows found.
create index contacts_name_trgm_idx on public.contacts using gin (display_name extensions.gin_trgm_ops);
create index contacts_email_trgm_idx on public.contacts using gin (email extensions.gin_trgm_ops);
create index contacts_phone_trgm_idx on public.contacts using gin (phone_digits extensions.gin_trgm_ops);
create index contact_identities_handle_text_trgm_idx on public.contact_identities using gin (handle extensions.gin_trgm_ops);
create index contacts_custom_fields_idx on public.contacts using gin (custom_fields jsonb_path_ops);

update public.contacts ct set last_message_at = c.latest
from (select contact_id, max(last_message_at) as latest from public.conversations group by 1) c
where c.contact_id = ct.id;

-- A contact's latest message follows its conversations' (ingest bumps those): one row, only forward.
create function app.bump_contact_last_message() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  update public.contacts set last_message_at = new.last_message_at
  where id = new.contact_id and last_message_at < new.last_message_at;
  return null;
end
$$;
create trigger conversations_bump_contact after insert or update of last_message_at, contact_id on public.conversations
  for each row execute function app.bump_contact_last_message();

-- What happened to a contact, for its timeline and for reports (stage changes are time-stamped here).
create table public.contact_events (
  id bigint generated always as identity primary key,
  workspace_id uuid not null,
  contact_id uuid not null,
  kind text not null check (kind in ('stage_changed', 'tagged', 'untagged', 'merged', 'imported')),
  detail jsonb not null default '{}',
  actor_user_id uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  foreign key (workspace_id, contact_id) references public.contacts (workspace_id, id) on delete cascade
);
create index contact_events_contact_idx on public.contact_events (contact_id, created_at desc);
create index contact_events_kind_idx on public.contact_events (workspace_id, kind, created_at);
alter table public.contact_events enable row level security;
create policy contact_events_select_member on public.contact_events for select to authenticated
  using (workspace_id = any (array(select app.member_workspace_ids())));
grant select on public.contact_events to authenticated;
grant all on public.contact_events to service_role;

-- Today's text tags become the workspace's tags (first spelling kept), applied as they were.
insert into public.tags (workspace_id, name)
select distinct on (ct.workspace_id, lower(btrim(t))) ct.workspace_id, btrim(t)
from public.contacts ct, unnest(ct.tags) t
where btrim(t) <> ''
order by ct.workspace_id, lower(btrim(t)), ct.created_at;
insert into public.contact_tags (workspace_id, contact_id, tag_id)
select distinct ct.workspace_id, ct.id, tg.id
from public.contacts ct, unnest(ct.tags) t
join public.tags tg on lower(tg.name) = lower(btrim(t))
where tg.workspace_id = ct.workspace_id;
alter table public.contacts drop column tags;

-- Every gym starts with the stages a gym tracks a person through.
create function app.add_default_stages() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  insert into public.pipeline_stages (workspace_id, name, position)
  select new.id, s.name, s.n from unnest(array['Enquiry', 'Trial', 'Member', 'Lapsed']) with ordinality s (name, n);
  return null;
end
$$;
create trigger workspaces_add_default_stages after insert on public.workspaces
  for each row execute function app.add_default_stages();
insert into public.pipeline_stages (workspace_id, name, position)
select w.id, s.name, s.n from public.workspaces w, unnest(array['Enquiry', 'Trial', 'Member', 'Lapsed']) with ordinality s (name, n);

-- The contacts a search term finds in a workspace: by name, email or a channel handle (`pattern`, for ILIKE) or by
-- phone digits (`digits`, for LIKE; null when the term is not a number). Security definer, as the inbox's search is
-- (ADR 015): ILIKE is not leakproof, so under RLS it could not use the trigram indexes; it checks membership itself.
create function app.search_contact_ids(target_workspace uuid, pattern text, digits text)
returns table (id uuid, last_message_at timestamptz, created_at timestamptz, name_key text)
language sql stable security definer set search_path = ''
-- With each match its keys for the contacts page's three orders, so sorting the matches needs no second read.
as $$
  select x.id, x.last_message_at, x.created_at, lower(coalesce(x.display_name, '')) from public.contacts x
  where x.workspace_id = target_workspace and x.display_name ilike pattern
    and target_workspace = any (array(select app.member_workspace_ids()))
  union
  select x.id, x.last_message_at, x.created_at, lower(coalesce(x.display_name, '')) from public.contacts x
  where x.workspace_id = target_workspace and x.email ilike pattern
    and target_workspace = any (array(select app.member_workspace_ids()))
  union
  select x.id, x.last_message_at, x.created_at, lower(coalesce(x.display_name, '')) from public.contacts x
  where digits is not null and x.workspace_id = target_workspace and x.phone_digits like digits
    and target_workspace = any (array(select app.member_workspace_ids()))
  union
  select x.id, x.last_message_at, x.created_at, lower(coalesce(x.display_name, ''))
  from public.contact_identities ci join public.contacts x on x.id = ci.contact_id
  where ci.workspace_id = target_workspace and ci.handle ilike pattern
    and target_workspace = any (array(select app.member_workspace_ids()))
$$;
revoke execute on function app.search_contact_ids(uuid, text, text) from public;
grant execute on function app.search_contact_ids(uuid, text, text) to authenticated, service_role;

-- Name, notes, phone and email from the contact card (tags, stage and fields have their own functions below).
-- The phone arrives E.164-normalized by the server; Postgres still refuses anything else.
create or replace function app.update_contact(target uuid, changes jsonb) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  workspace uuid;
begin
  select ct.workspace_id into workspace from public.contacts ct
  where ct.id = target and ct.workspace_id = any (array(select app.member_workspace_ids()))
  for update;
  if not found then return 'not_found'; end if;
  if (changes ? 'phone' and changes ->> 'phone' !~ '^\+[1-9][0-9]{6,14}$')
     or (changes ? 'email' and (changes ->> 'email' !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' or length(changes ->> 'email') > 254)) then
    return 'invalid';
  end if;
  update public.contacts set
    display_name = case when changes ? 'displayName' then nullif(btrim(changes ->> 'displayName'), '') else display_name end,
    notes = case when changes ? 'notes' then coalesce(changes ->> 'notes', '') else notes end,
    phone = case when changes ? 'phone' then changes ->> 'phone' else phone end,
    email = case when changes ? 'email' then lower(changes ->> 'email') else email end,
    updated_at = now()
  where id = target;
  perform app.audit(workspace, 'contact', target, 'contact.updated',
                    jsonb_build_object('fields', array(select case k when 'displayName' then 'display_name' else k end
                                                       from jsonb_object_keys(changes) k
                                                       where k in ('displayName', 'notes', 'phone', 'email') order by k)));
  return 'changed';
end
$$;

-- The contacts of a workspace among `contact_ids` the caller may change, locked (so a merge waits for them).
create function app.member_contacts(target_workspace uuid, contact_ids uuid[]) returns setof uuid
language sql security definer set search_path = ''
as $$
  select ct.id from public.contacts ct
  where ct.id = any (contact_ids) and ct.workspace_id = target_workspace
    and target_workspace = any (array(select app.member_workspace_ids()))
  order by ct.id
  for update
$$;
revoke execute on function app.member_contacts(uuid, uuid[]) from public;

-- Applies a tag by name to contacts: an existing one for anyone on the team; a new one only for managers and admins.
-- Outcome: changed, forbidden (an agent naming a tag that does not exist), invalid (a bad name), not_found.
create function app.tag_contacts(target_workspace uuid, contact_ids uuid[], tag_name text,
                                 out outcome text, out tag_id uuid, out tagged integer)
language plpgsql security definer set search_path = ''
as $$
declare
  caller_role public.workspace_role := app.member_role(target_workspace);
  clean text := btrim(coalesce(tag_name, ''));
begin
  tagged := 0;
  if caller_role is null then
    outcome := 'not_found';
    return;
  end if;
  if char_length(clean) not between 1 and 40 then
    outcome := 'invalid';
    return;
  end if;
  if cardinality(contact_ids) > 0 and not exists (select 1 from public.contacts ct
                                                  where ct.id = any (contact_ids) and ct.workspace_id = target_workspace) then
    outcome := 'not_found';
    return;
  end if;
  select t.id into tag_id from public.tags t where t.workspace_id = target_workspace and lower(t.name) = lower(clean);
  if tag_id is null then
    if caller_role = 'agent' then
      outcome := 'forbidden';
      return;
    end if;
    insert into public.tags (workspace_id, name) values (target_workspace, clean)
    on conflict (workspace_id, lower(name)) do update set name = public.tags.name
    returning id into tag_id;
    perform app.audit(target_workspace, 'tag', tag_id, 'tag.created', jsonb_build_object('name', clean));
  end if;
  with added as (
    insert into public.contact_tags (workspace_id, contact_id, tag_id)
    select target_workspace, c, tag_id from app.member_contacts(target_workspace, contact_ids) c
    on conflict do nothing
    returning contact_id
  ), noted as (
    insert into public.contact_events (workspace_id, contact_id, kind, detail, actor_user_id)
    select target_workspace, a.contact_id, 'tagged', jsonb_build_object('tag', clean), (select auth.uid()) from added a
  )
  select count(*) into tagged from added;
  if tagged > 0 then
    perform app.audit(target_workspace, 'tag', tag_id, 'tag.applied', jsonb_build_object('contacts', tagged));
  end if;
  outcome := 'changed';
end
$$;

-- Takes a tag off contacts: the number it came off.
create function app.untag_contacts(target_workspace uuid, contact_ids uuid[], tag uuid) returns integer
language plpgsql security definer set search_path = ''
as $$
declare
  removed integer;
begin
  with gone as (
    delete from public.contact_tags ctg
    where ctg.tag_id = tag and ctg.contact_id in (select c from app.member_contacts(target_workspace, contact_ids) c)
    returning ctg.contact_id
  ), noted as (
    insert into public.contact_events (workspace_id, contact_id, kind, detail, actor_user_id)
    select target_workspace, g.contact_id, 'untagged',
           jsonb_build_object('tag', (select t.name from public.tags t where t.id = tag)), (select auth.uid())
    from gone g
  )
  select count(*) into removed from gone;
  if removed > 0 then
    perform app.audit(target_workspace, 'tag', tag, 'tag.removed', jsonb_build_object('contacts', removed));
  end if;
  return removed;
end
$$;

-- Creates (no `tag`) or renames / recolours one: changed, invalid, taken, forbidden (an agent), not_found.
create function app.save_tag(target_workspace uuid, tag uuid, new_name text, new_colour text,
                             out outcome text, out tag_id uuid)
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
  if char_length(btrim(coalesce(new_name, ''))) not between 1 and 40 or new_colour not in (select app.tag_colours()) then
    outcome := 'invalid';
    return;
  end if;
  begin
    if tag is null then
      insert into public.tags (workspace_id, name, colour) values (target_workspace, btrim(new_name), new_colour)
      returning id into tag_id;
    else
      update public.tags set name = btrim(new_name), colour = new_colour
      where id = tag and workspace_id = target_workspace
      returning id into tag_id;
      if tag_id is null then
        outcome := 'not_found';
        return;
      end if;
    end if;
  exception when unique_violation then
    outcome := 'taken';
    return;
  end;
  outcome := 'changed';
  perform app.audit(target_workspace, 'tag', tag_id, case when tag is null then 'tag.created' else 'tag.edited' end,
                    jsonb_build_object('name', btrim(new_name)));
end
$$;

-- Deletes a tag (off every contact), or with `into_tag` merges it into that one first: changed, forbidden,
-- invalid (merging a tag into itself or another workspace's), not_found.
create function app.delete_tag(tag uuid, into_tag uuid default null) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  found_tag record;
begin
  select t.workspace_id, t.name into found_tag from public.tags t
  where t.id = tag and t.workspace_id = any (array(select app.member_workspace_ids()));
  if not found then return 'not_found'; end if;
  if app.member_role(found_tag.workspace_id) = 'agent' then return 'forbidden'; end if;
  if into_tag is not null then
    if into_tag = tag or not exists (select 1 from public.tags t where t.id = into_tag and t.workspace_id = found_tag.workspace_id) then
      return 'invalid';
    end if;
    insert into public.contact_tags (workspace_id, contact_id, tag_id)
    select workspace_id, contact_id, into_tag from public.contact_tags where tag_id = tag
    on conflict do nothing;
  end if;
  delete from public.tags where id = tag;
  perform app.audit(found_tag.workspace_id, 'tag', tag, case when into_tag is null then 'tag.deleted' else 'tag.merged' end,
                    jsonb_build_object('name', found_tag.name, 'into', into_tag));
  return 'changed';
end
$$;

-- A stage change as the timeline keeps it: both stages, and their names then (a stage may later be renamed or go).
create function app.stage_change_detail(from_stage uuid, to_stage uuid) returns jsonb
language sql stable set search_path = ''
as $$
  select jsonb_build_object('from', from_stage, 'to', to_stage,
                            'fromName', (select s.name from public.pipeline_stages s where s.id = from_stage),
                            'toName', (select s.name from public.pipeline_stages s where s.id = to_stage))
$$;

-- Moves contacts to a stage (or out of the pipeline with null): the number that moved. Each move is a timeline event.
create function app.set_contact_stage(target_workspace uuid, contact_ids uuid[], stage uuid) returns integer
language plpgsql security definer set search_path = ''
as $$
declare
  moved integer;
begin
  if stage is not null and not exists (select 1 from public.pipeline_stages s
                                       where s.id = stage and s.workspace_id = target_workspace) then
    return 0;
  end if;
  with locked as (
    select c from app.member_contacts(target_workspace, contact_ids) c
  ), before as (
    select ct.id, ct.stage_id from public.contacts ct join locked l on l.c = ct.id
    where ct.stage_id is distinct from stage
  ), changed as (
    update public.contacts ct set stage_id = stage, stage_changed_at = now(), updated_at = now()
    from before b where ct.id = b.id
    returning ct.id, b.stage_id as from_stage
  ), audited as (
    insert into public.audit_logs (workspace_id, actor_user_id, entity, entity_id, action, metadata)
    select target_workspace, (select auth.uid()), 'contact', ch.id, 'contact.stage_changed',
           jsonb_build_object('from', ch.from_stage, 'to', stage)
    from changed ch
  ), noted as (
    insert into public.contact_events (workspace_id, contact_id, kind, detail, actor_user_id)
    select target_workspace, ch.id, 'stage_changed',
           app.stage_change_detail(ch.from_stage, stage),
           (select auth.uid())
    from changed ch
  )
  select count(*) into moved from changed;
  return moved;
end
$$;

-- Creates (no `stage`, at the end) or renames one: changed, invalid, taken, forbidden, not_found.
create function app.save_stage(target_workspace uuid, stage uuid, new_name text, out outcome text, out stage_id uuid)
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
  if char_length(btrim(coalesce(new_name, ''))) not between 1 and 40 then
    outcome := 'invalid';
    return;
  end if;
  begin
    if stage is null then
      if (select count(*) from public.pipeline_stages s where s.workspace_id = target_workspace) >= 20 then
        outcome := 'invalid';
        return;
      end if;
      insert into public.pipeline_stages (workspace_id, name, position)
      values (target_workspace, btrim(new_name),
              coalesce((select max(s.position) + 1 from public.pipeline_stages s where s.workspace_id = target_workspace), 1))
      returning id into stage_id;
    else
      update public.pipeline_stages set name = btrim(new_name)
      where id = stage and workspace_id = target_workspace
      returning id into stage_id;
      if stage_id is null then
        outcome := 'not_found';
        return;
      end if;
    end if;
  exception when unique_violation then
    outcome := 'taken';
    return;
  end;
  outcome := 'changed';
  perform app.audit(target_workspace, 'pipeline_stage', stage_id,
                    case when stage is null then 'stage.created' else 'stage.renamed' end,
                    jsonb_build_object('name', btrim(new_name)));
end
$$;

-- Puts the workspace's stages in this order (every one of them, once): changed, invalid, forbidden, not_found.
create function app.reorder_stages(target_workspace uuid, ordered uuid[]) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  caller_role public.workspace_role := app.member_role(target_workspace);
begin
  if caller_role is null then return 'not_found'; end if;
  if caller_role = 'agent' then return 'forbidden'; end if;
  perform 1 from public.pipeline_stages s where s.workspace_id = target_workspace for update;
  if (select array_agg(s.id order by s.id) from public.pipeline_stages s where s.workspace_id = target_workspace)
     is distinct from (select array_agg(distinct o order by o) from unnest(ordered) o)
     or cardinality(ordered) <> (select count(*) from public.pipeline_stages s where s.workspace_id = target_workspace) then
    return 'invalid';
  end if;
  update public.pipeline_stages s set position = o.n
  from unnest(ordered) with ordinality o (id, n)
  where s.id = o.id;
  perform app.audit(target_workspace, 'workspace', target_workspace, 'stage.reordered');
  return 'changed';
end
$$;

-- Deletes a stage; its contacts leave the pipeline (the timeline keeps the name): changed, forbidden, not_found.
create function app.delete_stage(stage uuid) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  found_stage record;
begin
  select s.workspace_id, s.name into found_stage from public.pipeline_stages s
  where s.id = stage and s.workspace_id = any (array(select app.member_workspace_ids()));
  if not found then return 'not_found'; end if;
  if app.member_role(found_stage.workspace_id) = 'agent' then return 'forbidden'; end if;
  delete from public.pipeline_stages where id = stage;
  perform app.audit(found_stage.workspace_id, 'pipeline_stage', stage, 'stage.deleted',
                    jsonb_build_object('name', found_stage.name));
  return 'changed';
end
$$;

-- Is this JSON a valid value of a field of this type (with these options)? Null always is (it clears the field).
create function app.field_value_valid(field_type text, options text[], val jsonb) returns boolean
language sql immutable set search_path = ''
as $$
  select case
    when val is null or jsonb_typeof(val) = 'null' then true
    when field_type = 'text' then jsonb_typeof(val) = 'string' and char_length(val #>> '{}') between 1 and 500
    when field_type = 'number' then jsonb_typeof(val) = 'number'
    when field_type = 'date' then jsonb_typeof(val) = 'string' and val #>> '{}' ~ '^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$'
    when field_type = 'select' then jsonb_typeof(val) = 'string' and val #>> '{}' = any (options)
    when field_type = 'checkbox' then jsonb_typeof(val) = 'boolean'
    else false
  end
$$;
grant execute on function app.field_value_valid(text, text[], jsonb) to public;

-- Creates (no `field`) or edits a field's key, label and options (its type stays): changed, invalid, taken, forbidden,
-- not_found. Contacts holding an option a select no longer has lose that value.
create function app.save_contact_field(target_workspace uuid, field uuid, new_key text, new_label text, new_type text,
                                       new_options text[], out outcome text, out field_id uuid)
language plpgsql security definer set search_path = ''
as $$
declare
  caller_role public.workspace_role := app.member_role(target_workspace);
  -- Each option once, in the order given.
  clean_options text[] := array(select u.o from (select btrim(o) as o, min(n) as first
                                                 from unnest(coalesce(new_options, '{}')) with ordinality x (o, n)
                                                 where btrim(o) <> '' group by btrim(o)) u
                                order by u.first);
begin
  if caller_role is null then
    outcome := 'not_found';
    return;
  end if;
  if caller_role = 'agent' then
    outcome := 'forbidden';
    return;
  end if;
  if new_key !~ '^[a-z][a-z0-9_]{0,31}$' or char_length(btrim(coalesce(new_label, ''))) not between 1 and 60
     or new_type not in ('text', 'number', 'date', 'select', 'checkbox')
     or (new_type = 'select') <> (cardinality(clean_options) > 0) or cardinality(clean_options) > 50
     or exists (select 1 from unnest(clean_options) o where char_length(o) > 60) then
    outcome := 'invalid';
    return;
  end if;
  begin
    if field is null then
      if (select count(*) from public.contact_fields f where f.workspace_id = target_workspace) >= 50 then
        outcome := 'invalid';
        return;
      end if;
      insert into public.contact_fields (workspace_id, key, label, type, options, position)
      values (target_workspace, new_key, btrim(new_label), new_type, clean_options,
              coalesce((select max(f.position) + 1 from public.contact_fields f where f.workspace_id = target_workspace), 1))
      returning id into field_id;
    else
      update public.contact_fields set key = new_key, label = btrim(new_label), options = clean_options
      where id = field and workspace_id = target_workspace and type = new_type
      returning id into field_id;
      if field_id is null then
        outcome := case when exists (select 1 from public.contact_fields f where f.id = field
                                     and f.workspace_id = target_workspace) then 'invalid' else 'not_found' end;
        return;
      end if;
      if new_type = 'select' then
        update public.contacts ct set custom_fields = ct.custom_fields - field::text
        where ct.workspace_id = target_workspace and ct.custom_fields ? field::text
          and not (ct.custom_fields ->> field::text = any (clean_options));
      end if;
    end if;
  exception when unique_violation then
    outcome := 'taken';
    return;
  end;
  outcome := 'changed';
  perform app.audit(target_workspace, 'contact_field', field_id,
                    case when field is null then 'contact_field.created' else 'contact_field.edited' end,
                    jsonb_build_object('key', new_key, 'type', new_type));
end
$$;

-- Deletes a field and its value on every contact: changed, forbidden, not_found.
create function app.delete_contact_field(field uuid) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  found_field record;
begin
  select f.workspace_id, f.key into found_field from public.contact_fields f
  where f.id = field and f.workspace_id = any (array(select app.member_workspace_ids()));
  if not found then return 'not_found'; end if;
  if app.member_role(found_field.workspace_id) = 'agent' then return 'forbidden'; end if;
  delete from public.contact_fields where id = field;
  update public.contacts ct set custom_fields = ct.custom_fields - field::text
  where ct.workspace_id = found_field.workspace_id and ct.custom_fields ? field::text;
  perform app.audit(found_field.workspace_id, 'contact_field', field, 'contact_field.deleted',
                    jsonb_build_object('key', found_field.key));
  return 'changed';
end
$$;

-- Sets some of a contact's field values ({field id: value or null}): outcome changed, invalid (bad_field says which),
-- not_found.
create function app.set_contact_fields(target uuid, field_values jsonb, out outcome text, out bad_field uuid)
language plpgsql security definer set search_path = ''
as $$
declare
  workspace uuid;
begin
  select ct.workspace_id into workspace from public.contacts ct
  where ct.id = target and ct.workspace_id = any (array(select app.member_workspace_ids()))
  for update;
  if not found then
    outcome := 'not_found';
    return;
  end if;
  select case when k ~ '^[0-9a-f-]{36}$' then k::uuid end into bad_field
  from jsonb_each(field_values) v (k, val)
  left join public.contact_fields f on f.id::text = v.k and f.workspace_id = workspace
  where f.id is null or not app.field_value_valid(f.type, f.options, v.val)
  limit 1;
  if found then
    outcome := 'invalid';
    return;
  end if;
  update public.contacts set
    custom_fields = (custom_fields - array(select k from jsonb_each(field_values) v (k, val) where jsonb_typeof(val) = 'null'))
                    || jsonb_strip_nulls(field_values),
    updated_at = now()
  where id = target;
  perform app.audit(workspace, 'contact', target, 'contact.fields_changed',
                    jsonb_build_object('fields', array(select f.key from public.contact_fields f
                                                       where f.id::text in (select jsonb_object_keys(field_values))
                                                       order by f.key)));
  outcome := 'changed';
end
$$;

revoke execute on function app.tag_contacts(uuid, uuid[], text), app.untag_contacts(uuid, uuid[], uuid),
  app.save_tag(uuid, uuid, text, text), app.delete_tag(uuid, uuid), app.set_contact_stage(uuid, uuid[], uuid),
  app.save_stage(uuid, uuid, text), app.reorder_stages(uuid, uuid[]), app.delete_stage(uuid),
  app.save_contact_field(uuid, uuid, text, text, text, text[]), app.delete_contact_field(uuid),
  app.set_contact_fields(uuid, jsonb), app.bump_contact_last_message(), app.add_default_stages() from public;
grant execute on function app.tag_contacts(uuid, uuid[], text), app.untag_contacts(uuid, uuid[], uuid),
  app.save_tag(uuid, uuid, text, text), app.delete_tag(uuid, uuid), app.set_contact_stage(uuid, uuid[], uuid),
  app.save_stage(uuid, uuid, text), app.reorder_stages(uuid, uuid[]), app.delete_stage(uuid),
  app.save_contact_field(uuid, uuid, text, text, text, text[]), app.delete_contact_field(uuid),
  app.set_contact_fields(uuid, jsonb) to authenticated, service_role;
