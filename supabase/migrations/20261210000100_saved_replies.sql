-- Saved replies (issue #22): a gym's snippets, typed with `/shortcut` in the composer. Every member reads them;
-- managers and admins write them, through the functions below (DESIGN §13). Variables (`{{contact.first_name}}`, …)
-- are filled in the composer (supabase/functions/_shared/reply-variables.ts).
create table public.saved_replies (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  shortcut text not null check (shortcut ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
  body text not null check (char_length(btrim(body)) between 1 and 4096),
  created_by uuid references auth.users (id) on delete set null,
  updated_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, shortcut)
);
alter table public.saved_replies enable row level security;
create policy saved_replies_select_member on public.saved_replies for select to authenticated
  using (workspace_id = any (array(select app.member_workspace_ids())));
grant select on public.saved_replies to authenticated;
grant all on public.saved_replies to service_role;

-- Creates (no `reply`) or edits one: changed, invalid (shortcut or text out of bounds), taken (the shortcut is another
-- reply's), forbidden (an agent), not_found.
create function app.save_saved_reply(target_workspace uuid, reply uuid, new_shortcut text, new_body text,
                                     out outcome text, out reply_id uuid)
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
  if new_shortcut !~ '^[a-z0-9][a-z0-9_-]{0,31}$' or char_length(btrim(coalesce(new_body, ''))) not between 1 and 4096 then
    outcome := 'invalid';
    return;
  end if;
  begin
    if reply is null then
      insert into public.saved_replies (workspace_id, shortcut, body, created_by, updated_by)
      values (target_workspace, new_shortcut, new_body, (select auth.uid()), (select auth.uid()))
      returning id into reply_id;
    else
      update public.saved_replies set shortcut = new_shortcut, body = new_body, updated_by = (select auth.uid()),
                                      updated_at = now()
      where id = reply and workspace_id = target_workspace
      returning id into reply_id;
      if reply_id is null then
        outcome := 'not_found';
        return;
      end if;
    end if;
  exception when unique_violation then
    outcome := 'taken';
    return;
  end;
  outcome := 'changed';
  perform app.audit(target_workspace, 'saved_reply', reply_id, case when reply is null then 'saved_reply.created'
                                                                   else 'saved_reply.edited' end,
                    jsonb_build_object('shortcut', new_shortcut));
end
$$;

-- Deletes one: changed, forbidden (an agent), not_found.
create function app.delete_saved_reply(reply uuid) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  found_reply record;
begin
  select r.workspace_id, r.shortcut into found_reply from public.saved_replies r
  where r.id = reply and r.workspace_id = any (array(select app.member_workspace_ids()));
  if not found then
    return 'not_found';
  end if;
  if app.member_role(found_reply.workspace_id) = 'agent' then
    return 'forbidden';
  end if;
  delete from public.saved_replies where id = reply;
  perform app.audit(found_reply.workspace_id, 'saved_reply', reply, 'saved_reply.deleted',
                    jsonb_build_object('shortcut', found_reply.shortcut));
  return 'changed';
end
$$;

revoke execute on function app.save_saved_reply(uuid, uuid, text, text), app.delete_saved_reply(uuid) from public;
grant execute on function app.save_saved_reply(uuid, uuid, text, text), app.delete_saved_reply(uuid)
  to authenticated, service_role;
