-- Webhooks that arrive together are applied together (issue #4; ADR 012).
--
-- The edge function hands Postgres every webhook that is waiting when a connection comes free, as one call
-- and one transaction: under load each webhook no longer pays its own statements, executor start-ups and
-- commit. Each webhook still gets its own webhook_events row and its own outcome, and is answered only
-- after that transaction commits. If applying them together fails, nothing is stored and the edge function
-- applies each on its own, so a webhook that cannot be applied is marked failed alone and the others land.
--
-- The body of migration …0900's app.ingest_meta_webhook is split: app.apply_meta_events applies events
-- (unchanged but for tracking which webhook each event came from) and app.ingest_meta_webhooks stores the
-- webhooks and their outcomes. app.ingest_meta_webhook stays, for one webhook (replays and tests).

-- Which webhook of a call an event came from, numbered from 1 (a single webhook's events carry none).
alter type app.routed_event add attribute webhook integer;

/*
 * Applies normalized events (supabase/functions/_shared/meta-events.ts) — one webhook's or several's — and
 * says, for each event that routed nowhere and each message it stored, which webhook it came from.
 * Statements that have nothing to do are not run: most webhooks are messages from members already known.
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
                                to_timestamp(x.occurred_at / 1000), x.member_message, x.mid, x.direction,
                                x.sender, x.kind, x.text, x.attachments, x.metadata, x.reply_to, x.preview,
                                x.profile_name, x.reference, x.status, x.mids, to_timestamp(x.watermark / 1000),
                                x.error, x.target_mid, x.emoji, x.reaction, coalesce(x.webhook, 1))::app.routed_event
                      order by x.n)
                      filter (where ca.id is not null), '{}'),
         coalesce(array_agg(coalesce(x.webhook, 1)) filter (where ca.id is null), '{}'),
         count(*) filter (where ca.id is not null and x.member_message),
         count(*) filter (where ca.id is not null and x.member_message
                          and (ci.id is null or (x.profile_name is not null and ci.profile_name is distinct from x.profile_name))),
         count(*) filter (where ca.id is not null and not x.member_message),
         count(*) filter (where ca.id is not null and x.reference is not null)
  into routed, unroutable_webhooks, message_events, member_changes, other_events, send_references
  from (
    select e.*, (e.type = 'message' and e.sender <> 'app') as member_message
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
  ) ci on x.member_message;
  if member_changes > 0 then
    -- Members writing for the first time get a contact, an identity and a conversation, all at once.
    with members as (
      select e.account_id, e.workspace_id, e.provider, e.user_id as member_id,
             max(e.profile_name) as profile_name, min(e.occurred_at) as first_at
      from unnest(routed) e
      where e.member_message
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
      where e.member_message
      order by e.account_id, e.mid, e.n
    ), stored as (
      insert into public.messages (workspace_id, conversation_id, channel_account_id, direction, kind, sender, text,
                                   attachments, metadata, provider_message_id, reply_to_provider_message_id, status,
                                   sent_at, created_at)
      select me.workspace_id, me.conversation_id, me.account_id, me.direction::public.message_direction,
             me.kind::public.message_kind, me.sender::public.message_sender, me.text,
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
    for ev in select * from unnest(routed) e where not e.member_message order by e.n
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
        where m.channel_account_id = ev.account_id and m.provider_message_id = ev.mid and m.direction = 'inbound';

      when 'edit' then
        update public.messages m set text = ev.text, edited_at = ev.occurred_at
        where m.channel_account_id = ev.account_id and m.provider_message_id = ev.mid and m.direction = 'inbound';

      else
        raise exception 'unknown normalized event type %', ev.type;
      end case;
    end loop;
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
    select r.webhook as w, 1 as routed, r.member_message::integer as message_event,
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
create or replace function app.ingest_meta_webhook(webhook_object text, payload jsonb, events jsonb, replay_of bigint default null)
returns jsonb
language sql security definer set search_path = ''
as $$
  select app.ingest_meta_webhooks(array[webhook_object], array[payload], events, replay_of) -> 0
$$;

revoke execute on function app.apply_meta_events(jsonb), app.ingest_meta_webhooks(text[], jsonb[], jsonb, bigint) from public;
grant execute on function app.ingest_meta_webhooks(text[], jsonb[], jsonb, bigint) to service_role;
