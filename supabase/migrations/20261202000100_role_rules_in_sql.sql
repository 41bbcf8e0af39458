-- Every role rule in Postgres (issue #17): the browser's access token can reach the tables through the Data
-- API, so SQL as `authenticated` must allow exactly what the API allows. Where a rule is not a row predicate
-- (who may assign whom, that an assignee is on the team, that a channel was verified with Meta), the write goes
-- through one security-definer function that checks it, and direct writes are revoked. Audit rows are written
-- only by those functions, with the actor from auth.uid(). Each answers with what happened, as a word:
-- 'changed', 'unchanged', 'not_found', 'forbidden', 'invalid' (the service turns it into a Result).

-- ── the audit log: written by the functions below, never by a user request ───────────
drop policy audit_logs_insert_self on public.audit_logs;
revoke insert on public.audit_logs from authenticated;

-- One entry, in the caller's transaction, the actor being whoever the request is for.
create function app.audit(workspace uuid, entity text, entity_id uuid, action text, metadata jsonb default '{}')
returns void
language sql security definer set search_path = ''
as $$
  insert into public.audit_logs (workspace_id, actor_user_id, entity, entity_id, action, metadata)
  values (workspace, (select auth.uid()), entity, entity_id, action, coalesce(metadata, '{}'))
$$;
revoke execute on function app.audit(uuid, text, uuid, text, jsonb) from public;

-- ── conversations: assignment, status, archive and read, each through its function ──
drop policy conversations_update_member on public.conversations;
revoke update on public.conversations from authenticated;

-- The conversation, locked, with the caller's role in its workspace; nothing when the caller is not a member.
create function app.lock_conversation(target uuid)
returns table (workspace_id uuid, status public.conversation_status, archived_at timestamptz, assignee_id uuid,
               unread_count integer, role public.workspace_role)
language sql security definer set search_path = ''
as $$
  select c.workspace_id, c.status, c.archived_at, c.assignee_id, c.unread_count, app.member_role(c.workspace_id)
  from public.conversations c
  where c.id = target and app.member_role(c.workspace_id) is not null
  for update of c
$$;
revoke execute on function app.lock_conversation(uuid) from public;

-- Agents take a free conversation or drop their own; managers and admins assign anyone on the team (DESIGN of
-- roles: docs/architecture.md → Tenancy and roles). 'invalid': the assignee is not a member of the workspace.
create function app.assign_conversation(target uuid, assignee uuid) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  current record;
  me uuid := (select auth.uid());
begin
  select * into current from app.lock_conversation(target);
  if not found then return 'not_found'; end if;
  if current.assignee_id is not distinct from assignee then return 'unchanged'; end if;
  if current.role = 'agent'
     and not ((assignee = me and current.assignee_id is null) or (assignee is null and current.assignee_id = me)) then
    return 'forbidden';
  end if;
  if assignee is not null
     and not exists (select 1 from public.memberships m where m.workspace_id = current.workspace_id and m.user_id = assignee) then
    return 'invalid';
  end if;
  update public.conversations set assignee_id = assignee, updated_at = now() where id = target;
  perform app.audit(current.workspace_id, 'conversation', target, 'conversation.assigned',
                    jsonb_build_object('from', current.assignee_id, 'to', assignee));
  return 'changed';
end
$$;

-- Anyone on the team changes a status, except that only managers and admins reopen a resolved conversation
-- someone else has.
create function app.set_conversation_status(target uuid, new_status public.conversation_status) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  current record;
begin
  select * into current from app.lock_conversation(target);
  if not found then return 'not_found'; end if;
  if current.status = new_status then return 'unchanged'; end if;
  if current.role = 'agent' and current.status = 'resolved' and current.assignee_id is distinct from (select auth.uid())
     and current.assignee_id is not null then
    return 'forbidden';
  end if;
  update public.conversations set status = new_status, updated_at = now() where id = target;
  perform app.audit(current.workspace_id, 'conversation', target, 'conversation.status_changed',
                    jsonb_build_object('from', current.status, 'to', new_status));
  return 'changed';
end
$$;

create function app.set_conversation_archived(target uuid, archived boolean) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  current record;
begin
  select * into current from app.lock_conversation(target);
  if not found then return 'not_found'; end if;
  if (current.archived_at is not null) = archived then return 'unchanged'; end if;
  update public.conversations set archived_at = case when archived then now() end, updated_at = now() where id = target;
  perform app.audit(current.workspace_id, 'conversation', target,
                    case when archived then 'conversation.archived' else 'conversation.unarchived' end);
  return 'changed';
end
$$;

create function app.mark_conversation_read(target uuid) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  current record;
begin
  select * into current from app.lock_conversation(target);
  if not found then return 'not_found'; end if;
  if current.unread_count = 0 then return 'unchanged'; end if;
  update public.conversations set unread_count = 0, updated_at = now() where id = target;
  perform app.audit(current.workspace_id, 'conversation', target, 'conversation.marked_read',
                    jsonb_build_object('unreadCount', current.unread_count));
  return 'changed';
end
$$;

revoke execute on function app.assign_conversation(uuid, uuid), app.set_conversation_status(uuid, public.conversation_status),
  app.set_conversation_archived(uuid, boolean), app.mark_conversation_read(uuid) from public;
grant execute on function app.assign_conversation(uuid, uuid), app.set_conversation_status(uuid, public.conversation_status),
  app.set_conversation_archived(uuid, boolean), app.mark_conversation_read(uuid) to authenticated;

-- ── contacts: name, notes and tags through one function, audited with the field names ──
drop policy contacts_update_member on public.contacts;
revoke update on public.contacts from authenticated;

-- `changes` holds any of displayName, notes, tags (a JSON array of strings, already de-duplicated by the app).
-- 'invalid' for a tag longer than 40 characters; the table's own checks bound notes and the number of tags.
create function app.update_contact(target uuid, changes jsonb) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  workspace uuid;
  new_tags text[];
begin
  select ct.workspace_id into workspace from public.contacts ct
  where ct.id = target and ct.workspace_id = any (array(select app.member_workspace_ids()))
  for update;
  if not found then return 'not_found'; end if;
  if changes ? 'tags' then
    new_tags := array(select jsonb_array_elements_text(changes -> 'tags'));
    if exists (select 1 from unnest(new_tags) t where length(t) > 40 or btrim(t) = '') then return 'invalid'; end if;
  end if;
  update public.contacts set
    display_name = case when changes ? 'displayName' then nullif(btrim(changes ->> 'displayName'), '') else display_name end,
    notes = case when changes ? 'notes' then coalesce(changes ->> 'notes', '') else notes end,
    tags = case when changes ? 'tags' then new_tags else tags end,
    updated_at = now()
  where id = target;
  perform app.audit(workspace, 'contact', target, 'contact.updated',
                    jsonb_build_object('fields', array(select case k when 'displayName' then 'display_name' else k end
                                                       from jsonb_object_keys(changes) k
                                                       where k in ('displayName', 'notes', 'tags') order by k)));
  return 'changed';
end
$$;
revoke execute on function app.update_contact(uuid, jsonb) from public;
grant execute on function app.update_contact(uuid, jsonb) to authenticated;

-- ── channels: rows only through the connect the server verified with Meta ──────────
drop policy channel_accounts_insert_admin on public.channel_accounts;
drop policy channel_accounts_update_admin on public.channel_accounts;
revoke insert, update on public.channel_accounts from authenticated;

-- Step one of connecting (after Meta confirmed the account): this workspace's row for it, new or reused, marked
-- needs_reconnect until step two. 'conflict': the account is live in another workspace, which keeps it.
-- Service role only, with the admin's claims on the transaction (server/db/client.ts asServiceFor): a user's
-- token cannot call it, so nobody can claim a Page or number Meta has not confirmed.
create function app.claim_channel(workspace uuid, provider public.channel_provider, account text, name text,
                                  out channel uuid, out outcome text)
language plpgsql security definer set search_path = ''
as $$
begin
  if app.member_role(workspace) is distinct from 'admin' then
    outcome := 'forbidden';
    return;
  end if;
  select ca.id into channel from public.channel_accounts ca
  where ca.workspace_id = workspace and ca.provider = claim_channel.provider and ca.provider_account_id = account
  order by ca.status = 'disconnected', ca.updated_at desc
  limit 1
  for update;
  begin
    if found then
      update public.channel_accounts set status = 'needs_reconnect', updated_at = now()
      where id = channel and status = 'disconnected';
      outcome := 'reclaimed';
    else
      insert into public.channel_accounts (workspace_id, provider, provider_account_id, display_name, status)
      values (workspace, claim_channel.provider, account, name, 'needs_reconnect')
      returning id into channel;
      outcome := 'claimed';
    end if;
  exception when unique_violation then
    channel := null;
    outcome := 'conflict';
  end;
end
$$;

-- Step two: the channel's token (sealed by the app to the row's id), whether Meta took the webhook subscription,
-- and the audit row. Replies Meta refused for the old token can go again once it is active.
create function app.activate_channel(channel uuid, name text, handle text, token_ciphertext text, token_key_id text,
                                     subscribed boolean, reason text, fields text[], linked_page text, waba text,
                                     reconnected boolean)
returns void
language plpgsql security definer set search_path = ''
as $$
declare
  workspace uuid;
  kind public.channel_provider;
begin
  select ca.workspace_id, ca.provider into workspace, kind from public.channel_accounts ca
  where ca.id = channel and app.member_role(ca.workspace_id) = 'admin';
  if not found then
    raise exception 'channel % is not this admin''s to activate', channel using errcode = '42501';
  end if;
  update public.channel_accounts set
    display_name = name, display_handle = handle,
    access_token_ciphertext = token_ciphertext, access_token_key_id = token_key_id,
    status = case when subscribed then 'active' else 'needs_reconnect' end::public.channel_status, status_reason = reason,
    subscribed_fields = fields, subscribed_at = case when subscribed then now() end,
    linked_page_id = linked_page, waba_id = waba,
    connected_by = (select auth.uid()), connected_at = now(), disconnected_at = null, updated_at = now()
  where id = channel;
  if subscribed then
    perform app.reopen_sends_after_reconnect(channel);
  end if;
  perform app.audit(workspace, 'channel_account', channel,
                    case when reconnected then 'channel.reconnected' else 'channel.connected' end,
                    jsonb_build_object('provider', kind, 'subscribed', subscribed));
end
$$;
revoke execute on function app.claim_channel(uuid, public.channel_provider, text, text),
  app.activate_channel(uuid, text, text, text, text, boolean, text, text[], text, text, boolean),
  app.reopen_sends_after_reconnect(uuid) from public, authenticated;
grant execute on function app.claim_channel(uuid, public.channel_provider, text, text),
  app.activate_channel(uuid, text, text, text, text, boolean, text, text[], text, text, boolean) to service_role;

-- Disconnecting: webhooks stop being routed, the token is wiped, the history stays. A Page takes the Instagram
-- accounts reached through it along. Admins only; the Graph unsubscribe happens before, outside the transaction.
-- Returns the channels it disconnected.
create function app.disconnect_channel(channel uuid) returns setof uuid
language plpgsql security definer set search_path = ''
as $$
declare
  target record;
  gone uuid;
begin
  select ca.id, ca.workspace_id, ca.provider, ca.provider_account_id into target from public.channel_accounts ca
  where ca.id = channel and app.member_role(ca.workspace_id) = 'admin' and ca.status <> 'disconnected'
  for update;
  if not found then return; end if;
  for gone in
    update public.channel_accounts ca
    set status = 'disconnected', access_token_ciphertext = null, access_token_key_id = null, subscribed_fields = '{}',
        subscribed_at = null, status_reason = null, disconnected_at = now(), updated_at = now()
    where ca.status <> 'disconnected' and ca.workspace_id = target.workspace_id
      and (ca.id = target.id
           or (target.provider = 'messenger' and ca.provider = 'instagram' and ca.linked_page_id = target.provider_account_id))
    returning ca.id
  loop
    perform app.audit(target.workspace_id, 'channel_account', gone, 'channel.disconnected',
                      jsonb_build_object('provider', case when gone = target.id then target.provider::text else 'instagram' end));
    return next gone;
  end loop;
end
$$;
revoke execute on function app.disconnect_channel(uuid) from public;
grant execute on function app.disconnect_channel(uuid) to authenticated;

-- remove_channel audits through app.audit too.
create or replace function app.remove_channel(channel uuid) returns integer
language plpgsql security definer set search_path = ''
as $$
declare
  target record;
  removed integer;
begin
  select ca.id, ca.workspace_id, ca.provider, ca.display_name into target
  from public.channel_accounts ca
  where ca.id = channel and ca.status = 'disconnected' and app.member_role(ca.workspace_id) = 'admin'
  for update;
  if not found then
    return null;
  end if;
  select count(*)::integer into removed from public.conversations c where c.channel_account_id = target.id;
  -- Contacts reached only through this channel go with it; contacts with other channels stay.
  delete from public.contacts ct
  where ct.workspace_id = target.workspace_id
    and exists (select 1 from public.contact_identities ci where ci.contact_id = ct.id and ci.channel_account_id = target.id)
    and not exists (select 1 from public.contact_identities ci where ci.contact_id = ct.id and ci.channel_account_id <> target.id);
  delete from public.channel_accounts ca where ca.id = target.id;
  perform app.audit(target.workspace_id, 'channel_account', target.id, 'channel.removed',
                    jsonb_build_object('provider', target.provider, 'conversations', removed));
  return removed;
end
$$;

-- Sealed tokens go to the server only: not even their ciphertext is for a user's token.
revoke execute on function app.sealed_token_for_admin(text, uuid) from authenticated;
grant execute on function app.sealed_token_for_admin(text, uuid) to service_role;

-- ── connect attempts: created, claimed once, given their grant, and wiped, each by a function ──
drop policy channel_connect_attempts_own on public.channel_connect_attempts;
revoke insert, update on public.channel_connect_attempts from authenticated;
create policy channel_connect_attempts_select_own on public.channel_connect_attempts
  for select to authenticated
  using (user_id = (select auth.uid()) and app.member_role(workspace_id) = 'admin');

-- How long after Meta's redirect the admin may pick Pages with the login it granted.
create function app.connect_pick_window() returns interval
language sql immutable set search_path = ''
as $$ select interval '30 minutes' $$;

-- "Connect with Facebook": a new attempt for this admin. Any attempt whose pick window has passed loses its
-- user token here (the worker's sweep, issue #18, will do it on a schedule too).
create function app.begin_channel_connect(workspace uuid, out attempt uuid, out expires_at timestamptz)
language plpgsql security definer set search_path = ''
as $$
begin
  if app.member_role(workspace) is distinct from 'admin' then return; end if;
  update public.channel_connect_attempts a set user_token_ciphertext = null, user_token_key_id = null
  where a.user_token_ciphertext is not null and a.callback_at + app.connect_pick_window() < now();
  insert into public.channel_connect_attempts (workspace_id, user_id) values (workspace, (select auth.uid()))
  returning id, channel_connect_attempts.expires_at into attempt, begin_channel_connect.expires_at;
end
$$;

-- Meta's redirect back, used once: the attempt's workspace, or null when it is not this admin's, is used or expired.
create function app.claim_connect_callback(attempt uuid) returns uuid
language sql security definer set search_path = ''
as $$
  update public.channel_connect_attempts a set callback_at = now()
  where a.id = attempt and a.user_id = (select auth.uid()) and app.member_role(a.workspace_id) = 'admin'
    and a.callback_at is null and a.expires_at > now()
  returning a.workspace_id
$$;

-- The long-lived user token (sealed by the app) and the Pages granted, kept while the admin picks.
create function app.store_connect_grant(attempt uuid, ciphertext text, key_id text, pages jsonb) returns void
language sql security definer set search_path = ''
as $$
  update public.channel_connect_attempts a
  set user_token_ciphertext = ciphertext, user_token_key_id = key_id, granted_pages = pages
  where a.id = attempt and a.user_id = (select auth.uid()) and app.member_role(a.workspace_id) = 'admin'
    and a.callback_at is not null
$$;

-- Pages picked and connected: the user token has done its work and goes.
create function app.finish_connect_attempt(attempt uuid) returns void
language sql security definer set search_path = ''
as $$
  update public.channel_connect_attempts a set user_token_ciphertext = null, user_token_key_id = null
  where a.id = attempt and a.user_id = (select auth.uid())
$$;
revoke execute on function app.begin_channel_connect(uuid), app.claim_connect_callback(uuid),
  app.store_connect_grant(uuid, text, text, jsonb), app.finish_connect_attempt(uuid) from public;
grant execute on function app.begin_channel_connect(uuid), app.claim_connect_callback(uuid),
  app.store_connect_grant(uuid, text, text, jsonb), app.finish_connect_attempt(uuid) to authenticated;

-- ── raw webhooks: one that mixes workspaces, or a routed account with an unroutable one, has no workspace ──
create or replace function app.ingest_meta_webhooks(objects text[], payloads jsonb[], events jsonb, replay_of bigint default null)
returns jsonb
language plpgsql security definer set search_path = '' set plan_cache_mode = force_generic_plan
as $$
declare
  routed app.routed_event[];
  unroutable_webhooks integer[] := '{}';
  inserted_webhooks integer[] := '{}';
  new_identities uuid[] := '{}';
  failure text;
  results jsonb;
begin
  begin
    select * into routed, unroutable_webhooks, inserted_webhooks, new_identities from app.apply_meta_events(events);
  exception when others then
    -- Several that cannot be applied together are stored as nothing: the caller applies each on its own,
    -- so only a webhook that cannot be applied is marked failed (and kept, below, for replay).
    if cardinality(objects) > 1 then
      raise;
    end if;
    failure := sqlstate || ': ' || sqlerrm;
  end;

  -- Stored in the same transaction as what they produced, so each is durable exactly when they are.
  -- Only a webhook wholly about one workspace is shown to its admins: one that also names an account no
  -- channel claims (another business's Page, say) is kept without a workspace.
  with tagged as (
    -- One pass over each list, whatever the number of webhooks: a row per routed event, per unroutable
    -- event, per stored message, and one per webhook so that a webhook without events still gets a row.
    select r.webhook as w, 1 as routed, r.stores_message::integer as message_event,
           r.workspace_id, 0 as unroutable, 0 as inserted
    from unnest(routed) r
    union all select u, 0, 0, null, 1, 0 from unnest(unroutable_webhooks) u
    union all select i, 0, 0, null, 0, 1 from unnest(inserted_webhooks) i
    union all select w, 0, 0, null, 0, 0 from generate_subscripts(objects, 1) w
  ), per_webhook as (
    select t.w, sum(t.routed) as routed, sum(t.message_event) as message_events,
           array_agg(distinct t.workspace_id) filter (where t.workspace_id is not null) as workspaces,
           sum(t.unroutable) as unroutable, sum(t.inserted) as inserted
    from tagged t
    group by t.w
  ), outcomes as (
    select p.*, case when cardinality(p.workspaces) = 1 and p.unroutable = 0 then p.workspaces[1] end as workspace_id,
           case when failure is not null then 'failed'
                when p.routed = 0 and p.unroutable > 0 then 'unroutable'
                else 'processed' end as outcome
    from per_webhook p
  ), stored as (
    insert into public.webhook_events (object, payload, workspace_id, processed_at, outcome, error, attempts)
    select objects[o.w], payloads[o.w], o.workspace_id, case when failure is null then now() end, o.outcome, failure, 1
    from outcomes o
    where replay_of is null
    order by o.w
    returning id
  ), replayed as (
    update public.webhook_events set workspace_id = o.workspace_id,
      processed_at = case when failure is null then now() end, outcome = o.outcome, error = failure, attempts = attempts + 1
    from outcomes o
    where id = replay_of and o.w = 1
    returning id
  ), ids as (
    -- Rows are inserted in the order selected, so their identities ascend with the webhook's number.
    select id, row_number() over (order by id) as w from stored
    union all
    select id, 1 from replayed
  )
  select jsonb_agg(jsonb_build_object(
           'eventId', ids.id, 'outcome', o.outcome, 'inserted', o.inserted,
           'duplicates', greatest(o.message_events - o.inserted, 0), 'unroutable', o.unroutable,
           'newIdentities', case when o.w = 1 then to_jsonb(new_identities) else '[]' end, 'error', failure)
         order by o.w)
  into results
  from outcomes o join ids on ids.w = o.w;
  return results;
end
$$;

-- ── the audit log is the admins' (DESIGN §13) ──
drop policy audit_logs_select_manager on public.audit_logs;
create policy audit_logs_select_admin on public.audit_logs
  for select to authenticated using (app.member_role(workspace_id) = 'admin');

-- ── a message the member unsent: that it existed and when stay, its content goes ──
-- Whatever sets deleted_at (an unsend, a replay) and whatever comes after it (an edit delivered late), the row
-- keeps no text, preview or attachments. (Messages arrive undeleted: an unsend is always an update.)
create function app.erase_unsent_message() returns trigger
language plpgsql set search_path = ''
as $$
begin
  new.text := null;
  new.preview := null;
  new.attachments := '[]';
  return new;
end
$$;
create trigger messages_erase_unsent before update on public.messages
  for each row when (new.deleted_at is not null) execute function app.erase_unsent_message();

-- The Messenger/Instagram payload with that message's content taken out: the message becomes `{mid, is_deleted}`
-- (so a replay of it applies as an unsend) and edits of it lose their text. Everything else stays as Meta sent it.
create function app.erase_message_from_payload(payload jsonb, mid text) returns jsonb
language sql immutable set search_path = ''
as $$
  select case when jsonb_typeof(payload -> 'entry') is distinct from 'array' then payload else
    jsonb_set(payload, '{entry}', (
      select coalesce(jsonb_agg(
        case when jsonb_typeof(en.entry) <> 'object' then en.entry else
          (select coalesce(jsonb_object_agg(f.key,
             case when f.key in ('messaging', 'standby') and jsonb_typeof(f.value) = 'array' then
               (select coalesce(jsonb_agg(
                  case when it.item -> 'message' ->> 'mid' = mid
                         then jsonb_set(it.item, '{message}', jsonb_build_object('mid', mid, 'is_deleted', true))
                       when it.item -> 'message_edit' ->> 'mid' = mid
                         then jsonb_set(it.item, '{message_edit}', (it.item -> 'message_edit') - 'text')
                       else it.item end
                  order by it.n), '[]')
                from jsonb_array_elements(f.value) with ordinality as it (item, n))
             else f.value end), '{}')
           from jsonb_each(en.entry) as f (key, value))
        end
        order by en.n), '[]')
      from jsonb_array_elements(payload -> 'entry') with ordinality as en (entry, n)))
  end
$$;

-- Raw webhooks that carried the message or an edit of it: stored since it arrived (or, for a replayed one,
-- processed when it was), in its workspace or kept without one. BRIN indexes: both times only grow.
create index webhook_events_received_brin on public.webhook_events using brin (received_at);
create index webhook_events_processed_brin on public.webhook_events using brin (processed_at);

create function app.erase_unsent_from_webhooks() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  carries jsonb[] := array[
    jsonb_build_object('entry', jsonb_build_array(jsonb_build_object('messaging', jsonb_build_array(jsonb_build_object('message', jsonb_build_object('mid', new.provider_message_id)))))),
    jsonb_build_object('entry', jsonb_build_array(jsonb_build_object('standby', jsonb_build_array(jsonb_build_object('message', jsonb_build_object('mid', new.provider_message_id)))))),
    jsonb_build_object('entry', jsonb_build_array(jsonb_build_object('messaging', jsonb_build_array(jsonb_build_object('message_edit', jsonb_build_object('mid', new.provider_message_id)))))),
    jsonb_build_object('entry', jsonb_build_array(jsonb_build_object('standby', jsonb_build_array(jsonb_build_object('message_edit', jsonb_build_object('mid', new.provider_message_id))))))
  ];
begin
  update public.webhook_events w set payload = app.erase_message_from_payload(w.payload, new.provider_message_id)
  where (w.received_at >= new.inserted_at or w.processed_at >= new.inserted_at)
    and (w.workspace_id = new.workspace_id or w.workspace_id is null)
    and w.payload @> any (carries);
  -- The webhooks of this transaction are stored after their events are applied: noted for the trigger below.
  perform set_config('frontdesk.unsent_mids',
                     (coalesce(nullif(current_setting('frontdesk.unsent_mids', true), ''), '[]')::jsonb
                      || to_jsonb(new.provider_message_id))::text, true);
  return null;
end
$$;

-- A message unsent in the same transaction as a webhook that carried it (both arrived together): that
-- webhook is stored, or its replay recorded, already without it.
create function app.erase_unsent_from_new_webhook() returns trigger
language plpgsql set search_path = ''
as $$
declare
  mid text;
begin
  for mid in select jsonb_array_elements_text(current_setting('frontdesk.unsent_mids')::jsonb) loop
    new.payload := app.erase_message_from_payload(new.payload, mid);
  end loop;
  return new;
end
$$;
create trigger webhook_events_erase_unsent before insert or update of payload, processed_at on public.webhook_events
  for each row when (coalesce(current_setting('frontdesk.unsent_mids', true), '') <> '')
  execute function app.erase_unsent_from_new_webhook();
create trigger messages_erase_unsent_from_webhooks after update of deleted_at on public.messages
  for each row when (old.deleted_at is null and new.deleted_at is not null and new.direction = 'inbound'
                     and new.provider_message_id is not null)
  execute function app.erase_unsent_from_webhooks();
