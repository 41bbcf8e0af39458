-- A gym made in one call: the workspace, its first admin's membership and the audit row. Granted to service_role
-- only: the server calls it for a signed-up person after checking the deployment takes sign-ups (SIGNUP), with
-- their claims on the transaction (the audit names them); the operator's command calls it with no actor.
create function app.create_gym(p_name text, p_admin uuid)
returns table (outcome text, workspace_id uuid)
language plpgsql security definer set search_path = ''
as $$
declare
  gym_name text := btrim(coalesce(p_name, ''));
  new_id uuid;
begin
  if char_length(gym_name) not between 1 and 100 then
    return query select 'invalid'::text, null::uuid;
    return;
  end if;
  if not exists (select 1 from auth.users u where u.id = p_admin and u.deleted_at is null and u.email_confirmed_at is not null) then
    return query select 'not_found'::text, null::uuid;
    return;
  end if;
  -- One gym per new account: someone already on a team is invited to more, not founding them. The lock makes two
  -- submits of the same form (a double click, two tabs) found one gym.
  perform pg_advisory_xact_lock(hashtext('app.create_gym'), hashtext(p_admin::text));
  if exists (select 1 from public.memberships m where m.user_id = p_admin) then
    return query select 'already_member'::text, null::uuid;
    return;
  end if;
  insert into public.workspaces (name) values (gym_name) returning id into new_id;
  insert into public.memberships (workspace_id, user_id, role) values (new_id, p_admin, 'admin');
  perform app.audit(new_id, 'workspace', new_id, 'workspace.created', jsonb_build_object('admin', p_admin));
  return query select 'created'::text, new_id;
end;
$$;
revoke execute on function app.create_gym(text, uuid) from public;
grant execute on function app.create_gym(text, uuid) to service_role;
