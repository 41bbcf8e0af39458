-- Webhook ingest whose cost per webhook does not grow with the inbox (issue #4; ADR 011).
--
-- The routing query joined contact_identities with no bound on the rows it read: the planner, guessing a
-- hundred events per webhook, chose a hash join over a sequential scan of every identity of every
-- workspace. At 20k identities a ten-message webhook spent 2.4 ms there (0.2 ms with an index lookup),
-- and it grew with each new member until the table was large enough for the plan to flip. Lookups by
-- key are now written as LATERAL ... LIMIT 1, which can only be an index probe per event.
--
-- The function plans its statements once per session (plan_cache_mode = force_generic_plan): left to
-- choose, Postgres kept re-planning the message statement on every call (its custom plans looked cheaper
-- for a ten-event array), a tenth of the database's CPU per webhook. The generic plans are the index
-- probes above whatever the table sizes; ingest.test.ts checks no statement scans identities or conversations.
--
-- Events are typed once per webhook (app.routed_event) instead of being re-read with ->> by every
-- statement (only the lock statement, which must come before any read, still reads the raw events), and
-- the conversation broadcast builds each event once instead of three times.

-- One normalized event (supabase/functions/_shared/meta-events.ts) with the channel account it routed to.
create type app.routed_event as (
  n integer,
  type text,
  provider text,
  account_id uuid,
  workspace_id uuid,
  user_id text,
  occurred_at timestamptz,
  member_message boolean,
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
  reaction text
);

-- A conversation's broadcast is built once per row; whether it changed is decided on the columns
-- app.conversation_event shows (updated_at alone is not news), without building the old one.
create or replace function app.broadcast_conversations() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform app.send_conversation_events(array(select n::public.conversations from new_rows n));
  else
    perform app.send_conversation_events(array(
      select n::public.conversations from new_rows n join old_rows o on o.id = n.id
      where (n.workspace_id, n.status, n.archived_at, n.unread_count, n.last_message_at, n.last_inbound_at,
             n.last_message_preview, n.assignee_id, n.contact_id, n.channel_account_id)
            is distinct from
            (o.workspace_id, o.status, o.archived_at, o.unread_count, o.last_message_at, o.last_inbound_at,
             o.last_message_preview, o.assignee_id, o.contact_id, o.channel_account_id)));
  end if;
  return null;
end;
$$;

-- jsonb_agg copies every string of every element; to_jsonb over an array of jsonb does not.
create or replace function app.send_conversation_events(changed public.conversations[]) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  insert into realtime.messages (id, topic, extension, event, private, payload)
  select batch.id, 'workspace:' || batch.workspace_id, 'broadcast', 'conversations', true,
         jsonb_build_object('conversations', to_jsonb(batch.items), 'id', batch.id)
  from (
    select c.workspace_id, gen_random_uuid() as id, array_agg(c.event order by c.last_message_at) as items
    from (
      select x.workspace_id, x.last_message_at, app.conversation_event(x) as event,
             (row_number() over (partition by x.workspace_id order by x.id) - 1) / 100 as chunk
      from unnest(changed) x
    ) c
    group by c.workspace_id, c.chunk
  ) batch;
exception when others then
  raise warning 'ErrorSendingBroadcastMessage: %', sqlerrm;
end;
$$;

/*
 * The whole of one webhook: store the raw payload, then apply its normalized events (built by
 * supabase/functions/_shared/meta-events.ts) in one transaction. If applying fails, the raw event stays,
 * marked failed with the error, for replay. Returns counts and the identities that need a profile lookup.
 * Statements that have nothing to do for this webhook are not run: most webhooks are messages from
 * members already known, with no receipts.
 */
create or replace function app.ingest_meta_webhook(webhook_object text, payload jsonb, events jsonb, replay_of bigint default null)
returns jsonb
language plpgsql security definer set search_path = '' set plan_cache_mode = force_generic_plan
as $$
declare
  event_id bigint := replay_of;
  ev app.routed_event;
  routed app.routed_event[];
  routed_count integer := 0;
  unroutable integer := 0;
  message_events integer := 0;
  member_changes integer := 0;
  other_events integer := 0;
  send_references integer := 0;
  inserted integer := 0;
  workspaces uuid[] := '{}';
  new_identities uuid[] := '{}';
  final_outcome text;
  failure text;
begin
  begin
    -- Every member this webhook touches, locked in one global order so concurrent webhooks cannot deadlock.
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
                                  x.error, x.target_mid, x.emoji, x.reaction)::app.routed_event order by x.n)
                        filter (where ca.id is not null), '{}'),
           count(*) - count(ca.id),
           coalesce(array_agg(distinct ca.workspace_id) filter (where ca.id is not null), '{}'),
           count(*) filter (where ca.id is not null and x.member_message),
           count(*) filter (where ca.id is not null and x.member_message
                            and (ci.id is null or (x.profile_name is not null and ci.profile_name is distinct from x.profile_name))),
           count(*) filter (where ca.id is not null and not x.member_message),
           count(*) filter (where ca.id is not null and x.reference is not null)
    into routed, unroutable, workspaces, message_events, member_changes, other_events, send_references
    from (
      select e.*, (e.type = 'message' and e.sender <> 'app') as member_message
      from rows from (jsonb_to_recordset(events) as (
             type text, provider text, "accountId" text, "userId" text, "occurredAt" double precision, mid text,
             direction text, sender text, kind text, text text, attachments jsonb, metadata jsonb, "replyTo" text,
             preview text, "profileName" text, reference text, status text, mids jsonb, watermark double precision,
             error jsonb, "targetMid" text, emoji text, reaction text))
           with ordinality as e (type, provider, account, user_id, occurred_at, mid, direction, sender, kind, text,
             attachments, metadata, reply_to, preview, profile_name, reference, status, mids, watermark, error,
             target_mid, emoji, reaction, n)
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
    routed_count := cardinality(routed);

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
      -- A message Meta put twice into one webhook is one event, the first.
      with message_events as (
        select distinct on (e.account_id, e.mid)
               e.n, e.account_id, e.workspace_id, e.mid, e.direction, e.sender, e.kind, e.text, e.attachments,
               e.metadata, e.reply_to, e.preview, e.occurred_at, c.id as conversation_id
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
               (array_agg(me.preview order by s.created_at desc, me.n desc))[1] as latest_preview
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
        returning p.added
      )
      select coalesce(sum(added), 0) into inserted from bumped;
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

    final_outcome := case when routed_count = 0 and unroutable > 0 then 'unroutable' else 'processed' end;
  exception when others then
    -- Applying failed and was rolled back to here; the raw event is still stored below, for replay.
    failure := sqlstate || ': ' || sqlerrm;
    final_outcome := 'failed';
    inserted := 0;
    new_identities := '{}';
  end;

  -- Stored in the same transaction as what it produced, so it is durable exactly when they are.
  -- Only a single-workspace webhook is shown to that workspace's admins.
  if event_id is null then
    insert into public.webhook_events (object, payload, workspace_id, processed_at, outcome, error, attempts)
    values (webhook_object, payload, case when cardinality(workspaces) = 1 then workspaces[1] end,
            case when final_outcome <> 'failed' then now() end, final_outcome, failure, 1)
    returning id into event_id;
  else
    update public.webhook_events set
      workspace_id = case when cardinality(workspaces) = 1 then workspaces[1] end,
      processed_at = case when final_outcome <> 'failed' then now() end,
      outcome = final_outcome, error = failure, attempts = attempts + 1
    where id = event_id;
  end if;

  return jsonb_build_object('eventId', event_id, 'outcome', final_outcome, 'inserted', inserted,
                            'duplicates', greatest(message_events - inserted, 0), 'unroutable', unroutable,
                            'newIdentities', to_jsonb(new_identities), 'error', failure);
end
$$;
