-- Webhook ingest (ADR 005, 010–012): one call stores the raw webhook and applies its normalized events
-- (supabase/functions/_shared/meta-events.ts) in one transaction: idempotent (Meta redelivers), race-free (a
-- per-member advisory lock), statuses only move forward, and receipts that beat their message are parked and
-- applied when it appears. Webhooks that arrive together are applied together, each keeping its own row.

-- Every signed webhook, kept: the durable record and the replay source. Only a single-workspace webhook is
-- shown to that workspace's admins.
create table public.webhook_events (
  id bigint generated always as identity primary key,
  -- Null for webhooks no connected channel claims, or that name several workspaces.
  workspace_id uuid references public.workspaces (id) on delete cascade,
  object text not null,
  payload jsonb not null,
  received_at timestamptz not null default now(),
  processed_at timestamptz,
  outcome text not null check (outcome in ('processed', 'unroutable', 'failed')),
  -- `SQLSTATE: message` of the failure, when applying failed.
  error text,
  attempts integer not null default 0
);
create index webhook_events_replay_idx on public.webhook_events (received_at) where outcome = 'failed';
create index webhook_events_workspace_idx on public.webhook_events (workspace_id, received_at desc);

-- Raw payloads are written once and read only to replay: lz4 costs a fraction of pglz's CPU per webhook.
do $$
begin
  alter table public.webhook_events alter column payload set compression lz4;
exception when feature_not_supported then
  raise notice 'lz4 unavailable: webhook payloads keep the default compression';
end
$$;

alter table public.webhook_events enable row level security;
-- Raw payloads are for admins debugging their channels.
create policy webhook_events_select_admin on public.webhook_events
  for select to authenticated using (app.member_role(workspace_id) = 'admin');
grant select on public.webhook_events to authenticated;
grant all on public.webhook_events to service_role;

-- Receipts and echoes for outbound messages not stored yet (a WhatsApp status or a Messenger echo can arrive
-- before the Send API call has returned). Ingest's own: no user request reads them.
create table public.pending_receipts (
  id bigint generated always as identity primary key,
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  channel_account_id uuid not null,
  provider_message_id text not null,
  status public.message_status not null,
  error jsonb,
  occurred_at timestamptz not null,
  received_at timestamptz not null default now(),
  foreign key (workspace_id, channel_account_id) references public.channel_accounts (workspace_id, id) on delete cascade
);
create index pending_receipts_message_idx on public.pending_receipts (channel_account_id, provider_message_id);
alter table public.pending_receipts enable row level security;
grant all on public.pending_receipts to service_role;

-- pending < sent < delivered < read; failed replaces only pending or sent.
create function app.status_rank(status public.message_status) returns integer
language sql immutable parallel safe set search_path = ''
as $$
  select case status when 'pending' then 0 when 'sent' then 1 when 'delivered' then 2 when 'read' then 3 else -1 end
$$;

-- Moves one message's status forward (never back), stamping when each step happened.
create function app.advance_message_status(
  target_message uuid, new_status public.message_status, occurred_at timestamptz, failure jsonb
) returns void
language sql security definer set search_path = ''
as $$
  update public.messages m set
    status = new_status,
    sent_at = case when new_status in ('sent', 'delivered', 'read') then coalesce(m.sent_at, occurred_at) else m.sent_at end,
    delivered_at = case when new_status in ('delivered', 'read') then coalesce(m.delivered_at, occurred_at) else m.delivered_at end,
    read_at = case when new_status = 'read' then coalesce(m.read_at, occurred_at) else m.read_at end,
    failed_at = case when new_status = 'failed' then occurred_at else m.failed_at end,
    error = case when new_status = 'failed' then failure else m.error end
  where m.id = target_message
    and m.direction = 'outbound'
    and (
      (new_status = 'failed' and m.status in ('pending', 'sent'))
      or (new_status <> 'failed' and m.status <> 'failed' and app.status_rank(new_status) > app.status_rank(m.status))
    )
$$;

-- When an outbound message gets its provider id, apply whatever receipts were waiting for it.
create function app.apply_pending_receipts() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  receipt record;
begin
  for receipt in
    delete from public.pending_receipts r
    where r.channel_account_id = new.channel_account_id and r.provider_message_id = new.provider_message_id
    returning r.status, r.occurred_at, r.error
  loop
    perform app.advance_message_status(new.id, receipt.status, receipt.occurred_at, receipt.error);
  end loop;
  return null;
end
$$;

create trigger messages_apply_pending_receipts
  after insert or update of provider_message_id on public.messages
  for each row when (new.provider_message_id is not null and new.direction = 'outbound')
  execute function app.apply_pending_receipts();

-- Applies a receipt to the message it names, or parks it until that message exists.
create function app.receive_status(
  target_workspace uuid, account uuid, provider_message text,
  new_status public.message_status, occurred_at timestamptz, failure jsonb
) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  found_message uuid;
begin
  select m.id into found_message from public.messages m
  where m.channel_account_id = account and m.provider_message_id = provider_message;
  if found_message is null then
    insert into public.pending_receipts (workspace_id, channel_account_id, provider_message_id, status, error, occurred_at)
    values (target_workspace, account, provider_message, new_status, failure, occurred_at);
  else
    perform app.advance_message_status(found_message, new_status, occurred_at, failure);
  end if;
end
$$;
revoke execute on function app.status_rank(public.message_status),
  app.advance_message_status(uuid, public.message_status, timestamptz, jsonb),
  app.receive_status(uuid, uuid, text, public.message_status, timestamptz, jsonb), app.apply_pending_receipts()
  from public;

-- One normalized event (supabase/functions/_shared/meta-events.ts) with the channel account it routed to.
create type app.routed_event as (
  n integer,
  type text,
  provider text,
  account_id uuid,
  workspace_id uuid,
  user_id text,
  occurred_at timestamptz,
  -- A message to store: a member's, or one sent from Meta's own inbox (our own sends echoed back are receipts).
  stores_message boolean,
  mid text,
  direction text,
  sender text,
  kind text,
  text text,
  attachments jsonb,
  metadata jsonb,
  reply_to text,
  preview text,
  profile_name text,
  reference text,
  status text,
  mids jsonb,
  watermark timestamptz,
  error jsonb,
  target_mid text,
  emoji text,
  reaction text,
  -- Which webhook of a call the event came from, numbered from 1 (ADR 012).
  webhook integer
);

/*
 * Applies normalized events (supabase/functions/_shared/meta-events.ts) — one webhook's or several's — and
 * says, for each event that routed nowhere and each message it stored, which webhook it came from.
 * Statements that have nothing to do are not run: most webhooks are messages from members already known.
 * Lookups by key are LATERAL ... LIMIT 1, an index probe per event whatever the tables' sizes, and the
 * statements are planned once per session (plan_cache_mode = force_generic_plan): ADR 011.
 */
create function app.apply_meta_events(events jsonb, out routed app.routed_event[], out unroutable_webhooks integer[],
                                      out inserted_webhooks integer[], out new_identities uuid[])
language plpgsql set search_path = '' set plan_cache_mode = force_generic_plan
as $$
declare
  ev app.routed_event;
  message_events integer := 0;
  member_changes integer := 0;
  other_events integer := 0;
  send_references integer := 0;
  changed_conversation uuid;
  rethought_previews uuid[] := '{}';
begin
  inserted_webhooks := '{}';
  new_identities := '{}';
  -- Every member these webhooks touch, locked in one global order so concurrent webhooks cannot deadlock.
  perform pg_advisory_xact_lock(k.key)
  from (
    select distinct hashtextextended((e ->> 'provider') || ':' || (e ->> 'accountId') || ':' || (e ->> 'userId'), 0) as key
    from jsonb_array_elements(events) e where e ->> 'userId' is not null
    order by 1
  ) k;

  -- Type every event once and resolve its channel account; the statements below read only the routed
  -- events. Under the locks above, whether a member is new or renamed is settled here.
  select coalesce(array_agg(row(x.n, x.type, x.provider, ca.id, ca.workspace_id, x.user_id,
                                to_timestamp(x.occurred_at / 1000), x.stores_message, x.mid, x.direction,
                                x.sender, x.kind, x.text, x.attachments, x.metadata, x.reply_to, x.preview,
                                x.profile_name, x.reference, x.status, x.mids, to_timestamp(x.watermark / 1000),
                                x.error, x.target_mid, x.emoji, x.reaction, coalesce(x.webhook, 1))::app.routed_event
                      order by x.n)
                      filter (where ca.id is not null), '{}'),
         coalesce(array_agg(coalesce(x.webhook, 1)) filter (where ca.id is null), '{}'),
         count(*) filter (where ca.id is not null and x.stores_message),
         count(*) filter (where ca.id is not null and x.stores_message
                          and (ci.id is null or (x.profile_name is not null and ci.profile_name is distinct from x.profile_name))),
         count(*) filter (where ca.id is not null and not x.stores_message),
         count(*) filter (where ca.id is not null and x.reference is not null)
  into routed, unroutable_webhooks, message_events, member_changes, other_events, send_references
  from (
    select e.*, (e.type = 'message' and e.sender <> 'app') as stores_message
    from rows from (jsonb_to_recordset(events) as (
           type text, provider text, "accountId" text, "userId" text, "occurredAt" double precision, mid text,
           direction text, sender text, kind text, text text, attachments jsonb, metadata jsonb, "replyTo" text,
           preview text, "profileName" text, reference text, status text, mids jsonb, watermark double precision,
           error jsonb, "targetMid" text, emoji text, reaction text, webhook integer))
         with ordinality as e (type, provider, account, user_id, occurred_at, mid, direction, sender, kind, text,
           attachments, metadata, reply_to, preview, profile_name, reference, status, mids, watermark, error,
           target_mid, emoji, reaction, webhook, n)
  ) x
  left join lateral (
    select ca.id, ca.workspace_id from public.channel_accounts ca
    where ca.provider = x.provider::public.channel_provider and ca.provider_account_id = x.account
      and ca.status <> 'disconnected'
    limit 1
  ) ca on true
  left join lateral (
    select ci.id, ci.profile_name from public.contact_identities ci
    where ci.channel_account_id = ca.id and ci.provider_user_id = x.user_id
    limit 1
  ) ci on x.stores_message;
  if member_changes > 0 then
    -- Members writing for the first time get a contact, an identity and a conversation, all at once.
    with members as (
      select e.account_id, e.workspace_id, e.provider, e.user_id as member_id,
             max(e.profile_name) as profile_name, min(e.occurred_at) as first_at
      from unnest(routed) e
      where e.stores_message
      group by 1, 2, 3, 4
    ), missing as materialized (
      select m.*, gen_random_uuid() as contact_id, gen_random_uuid() as identity_id
      from members m
      where not exists (
        select 1 from public.contact_identities ci where ci.channel_account_id = m.account_id and ci.provider_user_id = m.member_id)
    ), new_contacts as (
      insert into public.contacts (id, workspace_id, display_name, phone)
      select contact_id, workspace_id, profile_name, case when provider = 'whatsapp' then '+' || member_id end from missing
    ), new_identities_rows as (
      insert into public.contact_identities (id, workspace_id, contact_id, channel_account_id, provider_user_id, handle, profile_name)
      select identity_id, workspace_id, contact_id, account_id, member_id,
             case when provider = 'whatsapp' then '+' || member_id end, profile_name
      from missing
    ), new_conversations as (
      insert into public.conversations (workspace_id, channel_account_id, contact_id, contact_identity_id, last_message_at)
      select workspace_id, account_id, contact_id, identity_id, first_at from missing
    ), renamed as (
      update public.contact_identities ci set profile_name = m.profile_name
      from members m
      where ci.channel_account_id = m.account_id and ci.provider_user_id = m.member_id
        and m.profile_name is not null and ci.profile_name is distinct from m.profile_name
    )
    select coalesce(array_agg(identity_id), '{}') into new_identities from missing;
  end if;

  if message_events > 0 then
    -- Every new message in one insert (redeliveries fall away on the unique provider id), then each
    -- touched conversation's counters, preview, reopening and un-archiving in one update.
    -- A message Meta put twice into one webhook, or into two applied together, is one event, the first.
    with message_events as (
      select distinct on (e.account_id, e.mid)
             e.n, e.account_id, e.workspace_id, e.mid, e.direction, e.sender, e.kind, e.text, e.attachments,
             e.metadata, e.reply_to, e.preview, e.occurred_at, e.webhook, c.id as conversation_id
      from unnest(routed) e
      cross join lateral (
        select c.id from public.contact_identities ci join public.conversations c on c.contact_identity_id = ci.id
        where ci.channel_account_id = e.account_id and ci.provider_user_id = e.user_id
        limit 1
      ) c
      where e.stores_message
      order by e.account_id, e.mid, e.n
    ), stored as (
      insert into public.messages (workspace_id, conversation_id, channel_account_id, direction, kind, sender, text,
                                   preview, attachments, metadata, provider_message_id, reply_to_provider_message_id,
                                   status, sent_at, created_at)
      select me.workspace_id, me.conversation_id, me.account_id, me.direction::public.message_direction,
             me.kind::public.message_kind, me.sender::public.message_sender, me.text, nullif(me.preview, me.text),
             coalesce(me.attachments, '[]'), coalesce(me.metadata, '{}'), me.mid, me.reply_to,
             case when me.direction = 'inbound' then 'delivered' else 'sent' end::public.message_status,
             me.occurred_at, me.occurred_at
      from message_events me
      order by me.n
      on conflict (channel_account_id, provider_message_id) do nothing
      returning conversation_id, provider_message_id, direction, created_at
    ), per_conversation as (
      select s.conversation_id,
             count(*) as added,
             count(*) filter (where s.direction = 'inbound') as inbound_added,
             max(s.created_at) as latest_at,
             max(s.created_at) filter (where s.direction = 'inbound') as latest_inbound_at,
             (array_agg(me.preview order by s.created_at desc, me.n desc))[1] as latest_preview,
             array_agg(me.webhook) as webhooks
      from stored s
      join message_events me on me.conversation_id = s.conversation_id and me.mid = s.provider_message_id
      group by s.conversation_id
    ), bumped as (
      update public.conversations c set
        last_message_preview = case when p.latest_at >= c.last_message_at or c.last_message_preview is null
                                    then p.latest_preview else c.last_message_preview end,
        last_message_at = greatest(c.last_message_at, p.latest_at),
        unread_count = c.unread_count + p.inbound_added,
        last_inbound_at = case when p.inbound_added > 0 then greatest(c.last_inbound_at, p.latest_inbound_at) else c.last_inbound_at end,
        status = case when p.inbound_added > 0 and c.status = 'resolved' then 'open' else c.status end,
        archived_at = case when p.inbound_added > 0 then null else c.archived_at end,
        updated_at = now()
      from per_conversation p
      where c.id = p.conversation_id
      returning p.webhooks
    )
    select coalesce(array_agg(w), '{}') into inserted_webhooks from bumped, unnest(bumped.webhooks) w;
  end if;

  if send_references > 0 then
    -- Our own sends coming back with the message id they carried (ADR 009): a row whose Send API answer
    -- was never recorded gets its provider id, so the receipts below find it. Honoured only on the
    -- channel that sent it, for an outbound row still without a provider id, and never when another row
    -- already has that provider id.
    update public.messages m set provider_message_id = r.provider_message_id
    from (
      select distinct on (message_id) message_id, account_id, provider_message_id
      from (
        select distinct on (sent.account_id, sent.provider_message_id) sent.*
        from unnest(routed) e
        cross join lateral (
          select case when e.reference ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                      then e.reference::uuid end as message_id,
                 e.account_id, coalesce(e.mid, e.mids ->> 0) as provider_message_id, e.n
        ) sent
        where sent.message_id is not null and sent.provider_message_id is not null
        order by sent.account_id, sent.provider_message_id, sent.n
      ) by_provider_id
      order by message_id
    ) r
    where m.id = r.message_id and m.channel_account_id = r.account_id
      and m.direction = 'outbound' and m.provider_message_id is null
      and not exists (select 1 from public.messages x
                      where x.channel_account_id = r.account_id and x.provider_message_id = r.provider_message_id);
  end if;

  -- Everything else, in the order Meta sent it: receipts, echoes of our own sends, reactions, unsends, edits.
  if other_events > 0 then
    for ev in select * from unnest(routed) e where not e.stores_message order by e.n
    loop
      case ev.type
      when 'message' then
        -- Our own send, echoed back: a receipt for the row messages.send keeps.
        perform app.receive_status(ev.workspace_id, ev.account_id, ev.mid, 'sent', ev.occurred_at, null);

      when 'status' then
        if ev.watermark is not null then
          -- Messenger/Instagram: everything we sent this member up to the watermark.
          perform app.advance_message_status(m.id, ev.status::public.message_status, ev.occurred_at, null)
          from public.contact_identities ci
          join public.conversations c on c.contact_identity_id = ci.id
          join public.messages m on m.conversation_id = c.id
          where ci.channel_account_id = ev.account_id and ci.provider_user_id = ev.user_id
            and m.direction = 'outbound' and m.created_at <= ev.watermark;
        end if;
        perform app.receive_status(ev.workspace_id, ev.account_id, mid.value, ev.status::public.message_status,
                                   ev.occurred_at, ev.error)
        from jsonb_array_elements_text(coalesce(ev.mids, '[]')) as mid (value);

      when 'reaction' then
        update public.messages m set reactions =
          (select coalesce(jsonb_agg(r), '[]') from jsonb_array_elements(m.reactions) r where r ->> 'by' <> 'member')
          || case when ev.emoji is null then '[]'::jsonb
                  else jsonb_build_array(jsonb_build_object('emoji', ev.emoji, 'reaction', ev.reaction, 'by', 'member')) end
        where m.channel_account_id = ev.account_id and m.provider_message_id = ev.target_mid;

      when 'unsend' then
        update public.messages m set deleted_at = coalesce(m.deleted_at, ev.occurred_at)
        where m.channel_account_id = ev.account_id and m.provider_message_id = ev.mid and m.direction = 'inbound'
        returning m.conversation_id into changed_conversation;
        if found then rethought_previews := rethought_previews || changed_conversation; end if;

      when 'edit' then
        update public.messages m set text = ev.text, preview = nullif(ev.preview, ev.text), edited_at = ev.occurred_at
        where m.channel_account_id = ev.account_id and m.provider_message_id = ev.mid and m.direction = 'inbound'
        returning m.conversation_id into changed_conversation;
        if found then rethought_previews := rethought_previews || changed_conversation; end if;

      else
        raise exception 'unknown normalized event type %', ev.type;
      end case;
    end loop;
    if cardinality(rethought_previews) > 0 then
      perform app.refresh_conversation_previews(rethought_previews);
    end if;
  end if;

end
$$;

/*
 * Stores webhooks (their objects and raw payloads, in the order given; the events of all of them, each
 * tagged with its webhook's number) and applies them in the caller's transaction. Returns one result per
 * webhook, in order; the identities that need a profile lookup are reported once, on the first result.
 * One webhook that cannot be applied is stored as failed; several raise and store nothing.
 * With replay_of, the one webhook given is that stored row, applied again.
 */
create function app.ingest_meta_webhooks(objects text[], payloads jsonb[], events jsonb, replay_of bigint default null)
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
  -- Only a single-workspace webhook is shown to that workspace's admins.
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
    select p.*, case when cardinality(p.workspaces) = 1 then p.workspaces[1] end as workspace_id,
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

/* One webhook: the form replays and tests use. */
create function app.ingest_meta_webhook(webhook_object text, payload jsonb, events jsonb, replay_of bigint default null)
returns jsonb
language sql security definer set search_path = ''
as $$
  select app.ingest_meta_webhooks(array[webhook_object], array[payload], events, replay_of) -> 0
$$;

revoke execute on function app.apply_meta_events(jsonb), app.ingest_meta_webhooks(text[], jsonb[], jsonb, bigint),
  app.ingest_meta_webhook(text, jsonb, jsonb, bigint) from public;
grant execute on function app.ingest_meta_webhooks(text[], jsonb[], jsonb, bigint), app.ingest_meta_webhook(text, jsonb, jsonb, bigint)
  to service_role;

-- ── webhooks kept when they cannot be applied ──
-- The raw row is the durable record and the replay source: when the call that stores and applies a webhook
-- fails (its events refused, a bug), the payload is stored alone as failed. A payload Postgres will not take as
-- jsonb is kept as a JSON string of the raw body, so nothing Meta signed is ever dropped.
create function app.keep_unapplied_webhook(webhook_object text, raw_payload text, failure text) returns bigint
language plpgsql security definer set search_path = ''
as $$
declare
  payload jsonb;
  kept bigint;
begin
  begin
    payload := raw_payload::jsonb;
  exception when others then
    payload := to_jsonb(raw_payload);
  end;
  insert into public.webhook_events (object, payload, outcome, error, attempts)
  values (webhook_object, payload, 'failed', failure, 1)
  returning id into kept;
  return kept;
end
$$;
revoke execute on function app.keep_unapplied_webhook(text, text, text) from public;
grant execute on function app.keep_unapplied_webhook(text, text, text) to service_role;

-- ── previews that follow the latest message (ADR 014) ──
-- Each conversation's preview, from its latest message that the member has not unsent.
create function app.refresh_conversation_previews(conversation_ids uuid[]) returns void
language sql security definer set search_path = ''
as $$
  update public.conversations c set last_message_preview = latest.preview, updated_at = now()
  from unnest(conversation_ids) as changed (id)
  left join lateral (
    select coalesce(m.preview, m.text) as preview from public.messages m
    where m.conversation_id = changed.id and m.deleted_at is null
    order by m.created_at desc, m.id desc
    limit 1
  ) latest on true
  where c.id = changed.id and c.last_message_preview is distinct from latest.preview
$$;
revoke execute on function app.refresh_conversation_previews(uuid[]) from public;
