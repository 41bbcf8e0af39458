-- Workspaces (one per gym), who belongs to them with which role, and the membership checks every policy uses.

create schema if not exists app;
grant usage on schema app to authenticated, service_role;

create type public.workspace_role as enum ('admin', 'manager', 'agent');

create table public.workspaces (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(btrim(name)) between 1 and 100),
  human_agent_enabled boolean not null default false,
  created_at timestamptz not null default now()
);
comment on column public.workspaces.human_agent_enabled is
  'Messenger/Instagram replies up to 7 days after the member''s last message, with the HUMAN_AGENT tag.';

create table public.memberships (
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.workspace_role not null default 'agent',
  created_at timestamptz not null default now(),
  primary key (workspace_id, user_id)
);
create index memberships_user_id_idx on public.memberships (user_id);

-- The one membership check every policy uses. Security definer so policies on memberships do not
-- recurse; policies call it as `workspace_id = any (array(select app.member_workspace_ids()))`, an
-- InitPlan evaluated once per statement, so a scan over many rows costs one membership lookup, not one per row.
create function app.member_workspace_ids() returns setof uuid
language sql stable security definer set search_path = ''
as $$
  select m.workspace_id from public.memberships m where m.user_id = (select auth.uid())
$$;

-- The caller's role in one workspace (null when not a member), for role-specific policies.
create function app.member_role(target_workspace uuid) returns public.workspace_role
language sql stable security definer set search_path = ''
as $$
  select m.role from public.memberships m
  where m.workspace_id = target_workspace and m.user_id = (select auth.uid())
$$;

-- Members of a workspace the caller belongs to, with the name and email staff know them by.
-- Security definer because `auth.users` is not readable by `authenticated`.
create function app.team_members(target_workspace uuid)
returns table (user_id uuid, email text, full_name text, role public.workspace_role)
language sql stable security definer set search_path = ''
as $$
  select m.user_id, u.email::text, nullif(u.raw_user_meta_data ->> 'full_name', ''), m.role
  from public.memberships m
  join auth.users u on u.id = m.user_id
  where m.workspace_id = target_workspace
    and target_workspace = any (array(select app.member_workspace_ids()))
  order by coalesce(nullif(u.raw_user_meta_data ->> 'full_name', ''), u.email), m.user_id
$$;

revoke execute on function app.member_workspace_ids(), app.member_role(uuid), app.team_members(uuid) from public;
grant execute on function app.member_workspace_ids(), app.member_role(uuid), app.team_members(uuid) to authenticated, service_role;

alter table public.workspaces enable row level security;
alter table public.memberships enable row level security;

create policy workspaces_select_member on public.workspaces
  for select to authenticated using (id = any (array(select app.member_workspace_ids())));

create policy memberships_select_member on public.memberships
  for select to authenticated using (workspace_id = any (array(select app.member_workspace_ids())));

grant select on public.workspaces, public.memberships to authenticated;
grant all on public.workspaces, public.memberships to service_role;

-- The login role the API server uses for user requests. It can become `authenticated` and nothing
-- else, so SQL run for a user can never `set role` or `reset role` its way past RLS. Its password is
-- set outside migrations (locally by dev/postgres; on hosted Supabase once, see README).
do $$
begin
  if not exists (select from pg_roles where rolname = 'frontdesk_api') then
    create role frontdesk_api login noinherit;
  end if;
end
$$;
grant authenticated to frontdesk_api;
