-- Settings → Audit log (issue #21): admins read their workspace's audit rows (the audit_logs_select_admin policy),
-- filtered by person, action and time, newest first.

-- "What did this person do": the person filter walks this instead of the whole workspace's history.
create index audit_logs_actor_idx on public.audit_logs (workspace_id, actor_user_id, created_at desc);

-- The names of people who acted in a workspace, for its admins: teammates, and those since removed (auth.users is not
-- readable by `authenticated`). Only people with an audit row in the workspace are named, so an admin cannot look up
-- arbitrary accounts.
create function app.audit_actors(target_workspace uuid, people uuid[])
returns table (user_id uuid, email text, full_name text)
language sql stable security definer set search_path = ''
as $$
  select u.id, u.email::text, nullif(u.raw_user_meta_data ->> 'full_name', '')
  from auth.users u
  where u.id = any (people)
    and app.member_role(target_workspace) = 'admin'
    and exists (select 1 from public.audit_logs a where a.workspace_id = target_workspace and a.actor_user_id = u.id)
$$;
revoke execute on function app.audit_actors(uuid, uuid[]) from public;
grant execute on function app.audit_actors(uuid, uuid[]) to authenticated, service_role;
