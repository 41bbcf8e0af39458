-- The team (issue #21, DESIGN §13, ADR 024): admins invite people by email with a role, change roles and remove
-- members; managers and agents see the team read-only. Every change goes through one security-definer function that
-- checks the caller's role and keeps the last admin, and is audited. Auth sends the invitation email (the server asks
-- it, with the service role); the invite row here is what makes the person a member once they have signed in.

create table public.workspace_invites (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  email text not null check (email = lower(btrim(email)) and email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' and length(email) <= 254),
  role public.workspace_role not null,
  invited_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  -- When the email last went out: an invitation is good for 14 days from it (app.invite_valid_for).
  sent_at timestamptz not null default now(),
  accepted_at timestamptz,
  accepted_by uuid references auth.users (id) on delete set null,
  revoked_at timestamptz
);
-- One open invitation per address and workspace.
create unique index workspace_invites_open_idx on public.workspace_invites (workspace_id, email)
  where accepted_at is null and revoked_at is null;
create index workspace_invites_email_idx on public.workspace_invites (email) where accepted_at is null and revoked_at is null;

alter table public.workspace_invites enable row level security;
-- The whole team sees who is invited (read-only for managers and agents); only the functions below write.
create policy workspace_invites_select_member on public.workspace_invites for select to authenticated
  using (workspace_id = any (array(select app.member_workspace_ids())));
grant select on public.workspace_invites to authenticated;
grant all on public.workspace_invites to service_role;

create function app.invite_valid_for() returns interval
language sql immutable set search_path = ''
as $$ select interval '14 days' $$;

-- Members with what Settings → Team shows: their name, email, role, when they joined and last signed in.
drop function app.team_members(uuid);
create function app.team_members(target_workspace uuid)
returns table (user_id uuid, email text, full_name text, role public.workspace_role, joined_at timestamptz,
               last_sign_in_at timestamptz)
language sql stable security definer set search_path = ''
as $$
  select m.user_id, u.email::text, nullif(u.raw_user_meta_data ->> 'full_name', ''), m.role, m.created_at, u.last_sign_in_at
  from public.memberships m
  join auth.users u on u.id = m.user_id
  where m.workspace_id = target_workspace
    and target_workspace = any (array(select app.member_workspace_ids()))
  order by coalesce(nullif(u.raw_user_meta_data ->> 'full_name', ''), u.email), m.user_id
$$;
revoke execute on function app.team_members(uuid) from public;
grant execute on function app.team_members(uuid) to authenticated, service_role;

-- An admin invites `invitee` with `invitee_role`. Outcomes: invited (a new invitation), resent (one was open: its role
-- is updated and it goes out again), member (already on the team), invalid (not an email address), forbidden (not
-- an admin), not_found (not a member at all).
create function app.invite_member(target_workspace uuid, invitee text, invitee_role public.workspace_role,
                                  out outcome text, out invite_id uuid)
language plpgsql security definer set search_path = ''
as $$
declare
  address text := lower(btrim(invitee));
  caller_role public.workspace_role := app.member_role(target_workspace);
begin
  if caller_role is null then
    outcome := 'not_found';
    return;
  end if;
  if caller_role <> 'admin' then
    outcome := 'forbidden';
    return;
  end if;
  if address !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' or length(address) > 254 then
    outcome := 'invalid';
    return;
  end if;
  if exists (select 1 from public.memberships m join auth.users u on u.id = m.user_id
             where m.workspace_id = target_workspace and lower(u.email) = address) then
    outcome := 'member';
    return;
  end if;
  update public.workspace_invites i set role = invitee_role, sent_at = now(), invited_by = (select auth.uid())
  where i.workspace_id = target_workspace and i.email = address and i.accepted_at is null and i.revoked_at is null
  returning i.id into invite_id;
  outcome := case when invite_id is null then 'invited' else 'resent' end;
  if invite_id is null then
    insert into public.workspace_invites (workspace_id, email, role, invited_by)
    values (target_workspace, address, invitee_role, (select auth.uid()))
    returning id into invite_id;
  end if;
  perform app.audit(target_workspace, 'invite', invite_id, 'team.' || outcome,
                    jsonb_build_object('email', address, 'role', invitee_role));
end
$$;

-- An admin takes back an open invitation: changed, forbidden, or not_found (none open, or not this admin's team).
create function app.revoke_invite(target_invite uuid) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  invite record;
begin
  select i.workspace_id, i.email into invite from public.workspace_invites i
  where i.id = target_invite and i.accepted_at is null and i.revoked_at is null
    and i.workspace_id = any (array(select app.member_workspace_ids()));
  if not found then
    return 'not_found';
  end if;
  if app.member_role(invite.workspace_id) <> 'admin' then
    return 'forbidden';
  end if;
  update public.workspace_invites set revoked_at = now() where id = target_invite;
  perform app.audit(invite.workspace_id, 'invite', target_invite, 'team.invite_revoked', jsonb_build_object('email', invite.email));
  return 'changed';
end
$$;

-- The signed-in person joins every workspace with an open, unexpired invitation to their (confirmed) address, with
-- its role. Returns how many they joined. Called after each sign-in and invitation link; a second call joins nothing.
create function app.accept_invites() returns integer
language plpgsql security definer set search_path = ''
as $$
declare
  address text := (select lower(u.email) from auth.users u
                   where u.id = (select auth.uid()) and u.email_confirmed_at is not null);
  joined integer := 0;
  invite record;
begin
  if address is null then
    return 0;
  end if;
  for invite in
    select i.id, i.workspace_id, i.role from public.workspace_invites i
    where i.email = address and i.accepted_at is null and i.revoked_at is null
      and i.sent_at > now() - app.invite_valid_for()
    for update
  loop
    update public.workspace_invites set accepted_at = now(), accepted_by = (select auth.uid()) where id = invite.id;
    insert into public.memberships (workspace_id, user_id, role)
    values (invite.workspace_id, (select auth.uid()), invite.role)
    on conflict (workspace_id, user_id) do nothing;
    if found then
      joined := joined + 1;
      perform app.audit(invite.workspace_id, 'membership', (select auth.uid()), 'team.joined',
                        jsonb_build_object('role', invite.role, 'inviteId', invite.id));
    end if;
  end loop;
  return joined;
end
$$;

-- The workspace's admins, locked, so that two admins demoting or removing each other at once cannot leave none.
create function app.lock_admins(target_workspace uuid) returns integer
language sql security definer set search_path = ''
as $$
  select count(*)::integer from (
    select 1 from public.memberships m where m.workspace_id = target_workspace and m.role = 'admin' for update
  ) admins
$$;
revoke execute on function app.lock_admins(uuid) from public;

-- An admin changes a member's role: changed, unchanged, last_admin (the only admin cannot stop being one), forbidden,
-- not_found.
create function app.change_member_role(target_workspace uuid, member uuid, new_role public.workspace_role) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  held_role public.workspace_role;
begin
  if app.member_role(target_workspace) is null then
    return 'not_found';
  end if;
  if app.member_role(target_workspace) <> 'admin' then
    return 'forbidden';
  end if;
  perform app.lock_admins(target_workspace);
  select m.role into held_role from public.memberships m
  where m.workspace_id = target_workspace and m.user_id = member for update;
  if not found then
    return 'not_found';
  end if;
  if held_role = new_role then
    return 'unchanged';
  end if;
  if held_role = 'admin' and app.lock_admins(target_workspace) <= 1 then
    return 'last_admin';
  end if;
  update public.memberships set role = new_role where workspace_id = target_workspace and user_id = member;
  perform app.audit(target_workspace, 'membership', member, 'team.role_changed',
                    jsonb_build_object('from', held_role, 'to', new_role));
  return 'changed';
end
$$;

-- An admin removes a member: their conversations become unassigned (audited with how many), and from their next
-- request on, RLS no longer lets them see this workspace. changed, last_admin, forbidden, not_found.
create function app.remove_member(target_workspace uuid, member uuid) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  removed_role public.workspace_role;
  unassigned integer;
begin
  if app.member_role(target_workspace) is null then
    return 'not_found';
  end if;
  if app.member_role(target_workspace) <> 'admin' then
    return 'forbidden';
  end if;
  perform app.lock_admins(target_workspace);
  select m.role into removed_role from public.memberships m
  where m.workspace_id = target_workspace and m.user_id = member for update;
  if not found then
    return 'not_found';
  end if;
  if removed_role = 'admin' and app.lock_admins(target_workspace) <= 1 then
    return 'last_admin';
  end if;
  delete from public.memberships where workspace_id = target_workspace and user_id = member;
  with released as (
    update public.conversations set assignee_id = null, updated_at = now()
    where workspace_id = target_workspace and assignee_id = member
    returning 1
  ) select count(*)::integer into unassigned from released;
  perform app.audit(target_workspace, 'membership', member, 'team.removed',
                    jsonb_build_object('role', removed_role, 'unassignedConversations', unassigned));
  return 'changed';
end
$$;

revoke execute on function app.invite_member(uuid, text, public.workspace_role), app.revoke_invite(uuid),
  app.accept_invites(), app.change_member_role(uuid, uuid, public.workspace_role), app.remove_member(uuid, uuid),
  app.invite_valid_for() from public;
grant execute on function app.invite_member(uuid, text, public.workspace_role), app.revoke_invite(uuid),
  app.accept_invites(), app.change_member_role(uuid, uuid, public.workspace_role), app.remove_member(uuid, uuid),
  app.invite_valid_for() to authenticated, service_role;
