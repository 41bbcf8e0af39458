-- Background work (issue #18, ADR 018): graphile-worker's queue (schema graphile_worker, installed by the worker's
-- own migrations before ours run: dev/postgres/prepare.ts locally, `npm run worker:migrate` on a host). Work that
-- follows a commit is enqueued in that commit's transaction, here by triggers, so it can never be lost or run for
-- something that rolled back. Every task is idempotent (server/worker/tasks): a job may run more than once. A job
-- about one workspace names it in its payload (`workspaceId`), so that workspace's admins see it failing, no one else.

-- ── profile lookups for new members, enqueued with the identity ──
-- Messenger and Instagram members are named by a Graph lookup; WhatsApp webhooks carry the name already.
create function app.enqueue_profile_lookups() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  perform graphile_worker.add_jobs(array(
    select row('lookup-profile', json_build_object('identityId', n.id, 'workspaceId', n.workspace_id), null, null, 8,
               'lookup-profile:' || n.id, null, null)::graphile_worker.job_spec
    from new_identities n
    join public.channel_accounts ca on ca.id = n.channel_account_id
    where ca.provider <> 'whatsapp' and n.profile_fetched_at is null
  ));
  return null;
end
$$;
create trigger contact_identities_enqueue_profile_lookups after insert on public.contact_identities
  referencing new table as new_identities
  for each statement execute function app.enqueue_profile_lookups();

-- ── sends are confirmed, or reported, within a minute ──
-- How long a reply may stay pending before the worker settles it (`frontdesk.send_confirm_after`, for tests).
create function app.send_confirmation_delay() returns interval
language sql stable set search_path = ''
as $$ select coalesce(nullif(current_setting('frontdesk.send_confirm_after', true), ''), '60 seconds')::interval $$;

-- One `confirm-send` job per pending reply, due when its confirmation should have come (replacing an earlier one).
-- (plpgsql, like every function here that names graphile_worker: checked when called, not when created.)
create function app.schedule_send_confirmations(message_ids uuid[]) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  perform graphile_worker.add_jobs(array(
    select row('confirm-send', json_build_object('messageId', m.id, 'workspaceId', m.workspace_id), null,
               now() + app.send_confirmation_delay(), 5, 'confirm-send:' || m.id, null, null)::graphile_worker.job_spec
    from public.messages m
    where m.id = any (message_ids)
  ));
end
$$;
revoke execute on function app.schedule_send_confirmations(uuid[]) from public;
grant execute on function app.schedule_send_confirmations(uuid[]) to service_role;

create function app.enqueue_send_confirmations() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  queued uuid[] := array(select m.id from new_messages m where m.sender = 'staff' and m.status = 'pending');
begin
  if cardinality(queued) > 0 then
    perform app.schedule_send_confirmations(queued);
  end if;
  return null;
end
$$;
create trigger messages_enqueue_send_confirmations after insert on public.messages
  referencing new table as new_messages
  for each statement execute function app.enqueue_send_confirmations();

-- What the `confirm-send` job does: a reply still pending (its answer lost, or Meta never answered) becomes failed
-- as "may have been delivered", so Retry asks before sending again. Its echo or status can still settle it (below).
create function app.settle_unconfirmed_send(message uuid) returns text
language sql security definer set search_path = ''
as $$
  with settled as (
    update public.messages m
    set status = 'failed', failed_at = now(),
        error = jsonb_build_object(
          'code', 'PROVIDER_ERROR', 'retryable', true, 'mayHaveBeenDelivered', true, 'providerCode', null,
          'message', 'Meta did not confirm this reply. It may have been delivered: check before sending it again.')
    where m.id = message and m.status = 'pending' and m.direction = 'outbound'
    returning m.id
  )
  select case when exists (select 1 from settled) then 'failed' else 'settled' end
$$;
revoke execute on function app.settle_unconfirmed_send(uuid) from public;
grant execute on function app.settle_unconfirmed_send(uuid) to service_role;

-- Replies still pending long after their confirmation was due (their job lost with a database restored from backup,
-- or queued before this migration): the hourly sweep's list.
create index messages_pending_sends_idx on public.messages (inserted_at) where status = 'pending' and direction = 'outbound';

-- Statuses still only move forward, with one exception: a reply failed as "may have been delivered" that Meta then
-- reports sent, delivered or read was delivered after all. A status that is not a failure clears the error (a
-- reply not confirmed yet carries one while pending).
create or replace function app.advance_message_status(
  target_message uuid, new_status public.message_status, occurred_at timestamptz, failure jsonb
) returns void
language sql security definer set search_path = ''
as $$
  update public.messages m set
    status = new_status,
    sent_at = case when new_status in ('sent', 'delivered', 'read') then coalesce(m.sent_at, occurred_at) else m.sent_at end,
    delivered_at = case when new_status in ('delivered', 'read') then coalesce(m.delivered_at, occurred_at) else m.delivered_at end,
    read_at = case when new_status = 'read' then coalesce(m.read_at, occurred_at) else m.read_at end,
    failed_at = case when new_status = 'failed' then occurred_at when m.status = 'failed' then null else m.failed_at end,
    error = case when new_status = 'failed' then failure else null end
  where m.id = target_message
    and m.direction = 'outbound'
    and (
      (new_status = 'failed' and m.status in ('pending', 'sent'))
      or (new_status <> 'failed' and m.status <> 'failed' and app.status_rank(new_status) > app.status_rank(m.status))
      or (new_status <> 'failed' and m.status = 'failed' and (m.error ->> 'mayHaveBeenDelivered')::boolean)
    )
$$;

-- ── webhooks that failed to apply are applied again, with backoff ──
alter table public.webhook_events add column next_attempt_at timestamptz not null default now();
comment on column public.webhook_events.next_attempt_at is
  'For a failed webhook: when the worker applies it again (heal-webhooks); attempts past the limit stay for admins to see.';
create index webhook_events_healing_idx on public.webhook_events (next_attempt_at) where outcome = 'failed';
-- Tries in all, counting the first: after that a webhook stays failed, shown in Settings → Health.
create function app.webhook_heal_attempts() returns integer
language sql immutable set search_path = ''
as $$ select 6 $$;

-- ── workers say they are alive; a stale one's jobs go back to the queue ──
create table app.worker_heartbeats (
  -- What graphile-worker locks jobs with: a process's pool id, and its workers' ids.
  worker_id text primary key,
  -- Where it runs, for operators (and tests that stop one).
  host text not null,
  pid integer not null,
  started_at timestamptz not null default now(),
  beat_at timestamptz not null default now()
);
-- Under RLS with no policy: only its owner and service_role (which bypasses RLS) reach it, whatever is granted later.
alter table app.worker_heartbeats enable row level security;
revoke all on app.worker_heartbeats from public, anon, authenticated;
grant select, insert, update, delete on app.worker_heartbeats to service_role;

-- ── retention ──
-- Removes, in batches of `batch` rows per kind, what is past its age: processed and unroutable raw webhooks, receipts
-- parked for a message that never came, connect attempts long over. Returns how many of each it removed.
create function app.remove_expired(webhook_days integer, receipt_days integer, attempt_days integer, batch integer)
returns table (webhooks integer, receipts integer, attempts integer)
language plpgsql security definer set search_path = ''
as $$
begin
  with gone as (
    delete from public.webhook_events w
    where w.id in (select e.id from public.webhook_events e
                   where e.received_at < now() - make_interval(days => webhook_days) and e.outcome <> 'failed'
                   limit batch)
    returning 1
  ) select count(*)::integer into webhooks from gone;
  with gone as (
    delete from public.pending_receipts r
    where r.id in (select p.id from public.pending_receipts p
                   where p.received_at < now() - make_interval(days => receipt_days) limit batch)
    returning 1
  ) select count(*)::integer into receipts from gone;
  with gone as (
    delete from public.channel_connect_attempts a
    where a.id in (select c.id from public.channel_connect_attempts c
                   where greatest(c.expires_at, coalesce(c.callback_at + app.connect_pick_window(), c.expires_at))
                         < now() - make_interval(days => attempt_days)
                   limit batch)
    returning 1
  ) select count(*)::integer into attempts from gone;
  -- Attempts past their pick window but not yet that old lose their user token now.
  update public.channel_connect_attempts a set user_token_ciphertext = null, user_token_key_id = null
  where a.user_token_ciphertext is not null and a.callback_at + app.connect_pick_window() < now();
  return next;
end
$$;
revoke execute on function app.remove_expired(integer, integer, integer, integer) from public;
grant execute on function app.remove_expired(integer, integer, integer, integer) to service_role;
create index pending_receipts_received_idx on public.pending_receipts (received_at);

-- ── Settings → Health: what an admin sees of their workspace, the queue and the workers ──
create function app.workspace_health(target_workspace uuid) returns jsonb
language plpgsql stable security definer set search_path = ''
as $$
declare
  since timestamptz := now() - interval '24 hours';
begin
  if app.member_role(target_workspace) is distinct from 'admin' then
    return null;
  end if;
  return jsonb_build_object(
    'channels', (
      select coalesce(jsonb_agg(jsonb_build_object(
        'id', ca.id, 'provider', ca.provider, 'name', ca.display_name, 'status', ca.status,
        'lastInboundAt', (select max(c.last_inbound_at) from public.conversations c where c.channel_account_id = ca.id),
        'lastSentAt', (select max(m.sent_at) from public.messages m
                       where m.channel_account_id = ca.id and m.direction = 'outbound' and m.sent_at > now() - interval '30 days'),
        'failedSends24h', (select count(*) from public.messages m
                           where m.channel_account_id = ca.id and m.status = 'failed' and m.failed_at > since)
      ) order by ca.display_name), '[]')
      from public.channel_accounts ca
      where ca.workspace_id = target_workspace and ca.status <> 'disconnected'
    ),
    'webhooks24h', (
      select jsonb_build_object(
        'processed', count(*) filter (where w.outcome = 'processed'),
        'unroutable', count(*) filter (where w.outcome = 'unroutable'),
        'failed', count(*) filter (where w.outcome = 'failed'))
      from public.webhook_events w
      where w.workspace_id = target_workspace and w.received_at > since
    ),
    'failingWebhooks', (
      select coalesce(jsonb_agg(jsonb_build_object(
        'id', f.id, 'receivedAt', f.received_at, 'attempts', f.attempts, 'error', f.error, 'nextAttemptAt', f.next_attempt_at)
        order by f.received_at desc), '[]')
      from (select * from public.webhook_events w
            where w.workspace_id = target_workspace and w.outcome = 'failed'
            order by w.received_at desc limit 20) f
    ),
    'queue', (
      select jsonb_build_object(
        'depth', count(*) filter (where j.run_at <= now() and j.locked_at is null and j.attempts < j.max_attempts),
        'oldestWaitingSince', min(j.run_at) filter (where j.run_at <= now() and j.locked_at is null and j.attempts < j.max_attempts),
        'running', count(*) filter (where j.locked_at is not null))
      from graphile_worker.jobs j
    ),
    -- A job's payload is only in graphile-worker's table (its `jobs` view leaves it out); pinned version, and
    -- server/trpc/routers/health.test.ts fails if that changes.
    'failingJobs', (
      select coalesce(jsonb_agg(jsonb_build_object(
        'id', f.id, 'task', f.identifier, 'attempts', f.attempts, 'maxAttempts', f.max_attempts, 'lastError', f.last_error,
        'runAt', f.run_at) order by f.updated_at desc), '[]')
      from (select j.id, t.identifier, j.attempts, j.max_attempts, j.last_error, j.run_at, j.updated_at
            from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
            where j.last_error is not null and j.payload ->> 'workspaceId' = target_workspace::text
            order by j.updated_at desc limit 10) f
    ),
    -- The schedule's jobs serve every workspace: their errors are the operator's, so only how many are failing.
    'failingSystemJobs', (
      select count(*) from graphile_worker._private_jobs j
      where j.last_error is not null and j.payload ->> 'workspaceId' is null
    ),
    'workerBeatAt', (select max(h.beat_at) from app.worker_heartbeats h),
    'healAttempts', app.webhook_heal_attempts()
  );
end
$$;
revoke execute on function app.workspace_health(uuid) from public;
grant execute on function app.workspace_health(uuid) to authenticated;
