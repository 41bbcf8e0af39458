-- Webhook ingest, cheaper per webhook (issue #4's throughput targets; figures in the bench and ADR 010):
-- broadcasts are written with one insert per statement instead of one realtime.send() per row, the
-- ingest function skips statements with nothing to do, and send references come from the normalized
-- events instead of a trigger re-reading the stored payload.

-- Inlinable: a SET clause (even search_path) makes every call a separate function execution, which the
-- broadcast statements below pay per row. These name only built-ins and columns of their argument.
create or replace function app.conversation_event(c public.conversations) returns jsonb
language sql stable
as $$
  select jsonb_build_object(
    'id', c.id, 'workspaceId', c.workspace_id, 'status', c.status, 'archivedAt', c.archived_at,
    'unreadCount', c.unread_count, 'lastMessageAt', c.last_message_at, 'lastInboundAt', c.last_inbound_at,
    'preview', c.last_message_preview, 'assigneeId', c.assignee_id, 'contactId', c.contact_id,
    'channelAccountId', c.channel_account_id)
$$;

create or replace function app.message_event(m public.messages) returns jsonb
language sql stable
as $$
  select jsonb_build_object(
    'id', m.id, 'conversationId', m.conversation_id, 'direction', m.direction, 'kind', m.kind,
    'sender', m.sender, 'senderUserId', m.sender_user_id,
    'text', case when m.deleted_at is null then m.text end,
    'attachments', case when m.deleted_at is null then m.attachments else '[]'::jsonb end,
    'reactions', m.reactions, 'providerMessageId', m.provider_message_id,
    'clientMessageId', m.client_message_id, 'replyToProviderMessageId', m.reply_to_provider_message_id,
    'status', m.status, 'sentAt', m.sent_at, 'deliveredAt', m.delivered_at, 'readAt', m.read_at,
    'failedAt', m.failed_at, 'error', m.error, 'editedAt', m.edited_at, 'deletedAt', m.deleted_at,
    'createdAt', m.created_at)
$$;

-- The rows realtime.send() would write (an `id` in every payload, extension `broadcast`, private), written
-- by one insert per statement. realtime.send() guards each call with an exception block: a subtransaction
-- with its own XID per message, which cost a fifth of webhook throughput. The guard is now one per
-- statement: a broadcast that cannot be written is still a warning, never why a change is not stored.
create or replace function app.send_conversation_events(changed public.conversations[]) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  insert into realtime.messages (id, topic, extension, event, private, payload)
  select batch.id, 'workspace:' || batch.workspace_id, 'broadcast', 'conversations', true,
         jsonb_build_object('conversations', batch.items, 'id', batch.id)
  from (
    select c.workspace_id, gen_random_uuid() as id, jsonb_agg(c.event order by c.last_message_at) as items
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

create or replace function app.broadcast_messages() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    insert into realtime.messages (topic, extension, event, private, payload)
    select 'conversation:' || n.conversation_id, 'broadcast', 'message', true, app.message_event(n)
    from new_rows n;
  else
    insert into realtime.messages (topic, extension, event, private, payload)
    select 'conversation:' || changed.conversation_id, 'broadcast', 'message', true, changed.event
    from (
      select n.conversation_id, app.message_event(n) as event, app.message_event(o) as previous
      from new_rows n join old_rows o on o.id = n.id
    ) changed
    where changed.event is distinct from changed.previous;
  end if;
  return null;
exception when others then
  raise warning 'ErrorSendingBroadcastMessage: %', sqlerrm;
  return null;
end;
$$;

-- Send references (ADR 009) now arrive as `reference` on the normalized echo/status events and are
-- applied by the ingest below, before the receipts that name them.
drop trigger webhook_events_attach_send_references on public.webhook_events;
drop function app.attach_send_references();

-- Raw payloads are written once and read only to replay: lz4 costs a fraction of pglz's CPU per webhook.
do $$
begin
  alter table public.webhook_events alter column payload set compression lz4;
exception when feature_not_supported then
  raise notice 'lz4 unavailable: webhook payloads keep the default compression';
end
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
language plpgsql security definer set search_path = ''
as $$
declare
  event_id bigint := replay_of;
  ev jsonb;
  routed_events jsonb;
  event_account uuid;
  event_workspace uuid;
  occurred timestamptz;
  routed integer := 0;
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

    -- Resolve every event's channel account once; the statements below read only the routed events,
    -- each carrying its account, workspace and position in the webhook. Under the locks above, whether a
    -- member is new or renamed is settled here.
    select coalesce(jsonb_agg(x.e || jsonb_build_object('accountUuid', ca.id, 'workspaceId', ca.workspace_id, 'n', x.n) order by x.n)
                      filter (where ca.id is not null), '[]'),
           count(*) - count(ca.id),
           coalesce(array_agg(distinct ca.workspace_id) filter (where ca.id is not null), '{}'),
           count(*) filter (where ca.id is not null and x.member_message),
           count(*) filter (where ca.id is not null and x.member_message
                            and (ci.id is null or (x.e ->> 'profileName' is not null
                                                   and ci.profile_name is distinct from x.e ->> 'profileName'))),
           count(*) filter (where ca.id is not null and not x.member_message),
           count(*) filter (where ca.id is not null and x.e ->> 'reference' is not null)
    into routed_events, unroutable, workspaces, message_events, member_changes, other_events, send_references
    from (
      select e, n, (e ->> 'type' = 'message' and e ->> 'sender' <> 'app') as member_message
      from jsonb_array_elements(events) with ordinality as events_in_order (e, n)
    ) x
    left join public.channel_accounts ca
      on ca.provider = (x.e ->> 'provider')::public.channel_provider and ca.provider_account_id = x.e ->> 'accountId'
     and ca.status <> 'disconnected'
    left join public.contact_identities ci
      on x.member_message and ci.channel_account_id = ca.id and ci.provider_user_id = x.e ->> 'userId';
    routed := jsonb_array_length(routed_events);

    if member_changes > 0 then
      -- Members writing for the first time get a contact, an identity and a conversation, all at once.
      with members as (
        select (e ->> 'accountUuid')::uuid as account_id, (e ->> 'workspaceId')::uuid as workspace_id, e ->> 'provider' as provider,
               e ->> 'userId' as member_id,
               max(e ->> 'profileName') as profile_name, min((e ->> 'occurredAt')::double precision) as first_at
        from jsonb_array_elements(routed_events) e
        where e ->> 'type' = 'message' and e ->> 'sender' <> 'app'
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
        select workspace_id, account_id, contact_id, identity_id, to_timestamp(first_at / 1000) from missing
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
      with message_events as (
        select e, (e ->> 'n')::integer as n, (e ->> 'accountUuid')::uuid as account_id, (e ->> 'workspaceId')::uuid as workspace_id,
               to_timestamp((e ->> 'occurredAt')::double precision / 1000) as occurred_at
        from jsonb_array_elements(routed_events) e
        where e ->> 'type' = 'message' and e ->> 'sender' <> 'app'
      ), stored as (
        insert into public.messages (workspace_id, conversation_id, channel_account_id, direction, kind, sender, text,
                                     attachments, metadata, provider_message_id, reply_to_provider_message_id, status,
                                     sent_at, created_at)
        select me.workspace_id, c.id, me.account_id, (me.e ->> 'direction')::public.message_direction,
               (me.e ->> 'kind')::public.message_kind, (me.e ->> 'sender')::public.message_sender, me.e ->> 'text',
               coalesce(me.e -> 'attachments', '[]'), coalesce(me.e -> 'metadata', '{}'), me.e ->> 'mid', me.e ->> 'replyTo',
               case when me.e ->> 'direction' = 'inbound' then 'delivered' else 'sent' end::public.message_status,
               me.occurred_at, me.occurred_at
        from message_events me
        join public.contact_identities ci on ci.channel_account_id = me.account_id and ci.provider_user_id = me.e ->> 'userId'
        join public.conversations c on c.contact_identity_id = ci.id
        order by me.n
        on conflict (channel_account_id, provider_message_id) do nothing
        returning conversation_id, channel_account_id, provider_message_id, direction, created_at
      ), per_conversation as (
        select s.conversation_id,
               count(*) as added,
               count(*) filter (where s.direction = 'inbound') as inbound_added,
               max(s.created_at) as latest_at,
               max(s.created_at) filter (where s.direction = 'inbound') as latest_inbound_at,
               (array_agg(me.e ->> 'preview' order by s.created_at desc, me.n desc))[1] as latest_preview
        from stored s
        join message_events me on me.account_id = s.channel_account_id and me.e ->> 'mid' = s.provider_message_id
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
          from jsonb_array_elements(routed_events) e
          cross join lateral (
            select case when e ->> 'reference' ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                        then (e ->> 'reference')::uuid end as message_id,
                   (e ->> 'accountUuid')::uuid as account_id,
                   coalesce(e ->> 'mid', e -> 'mids' ->> 0) as provider_message_id, (e ->> 'n')::integer as n
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
      for ev in
        select e from jsonb_array_elements(routed_events) e
        where not (e ->> 'type' = 'message' and e ->> 'sender' <> 'app')
        order by (e ->> 'n')::integer
      loop
        event_account := (ev ->> 'accountUuid')::uuid;
        event_workspace := (ev ->> 'workspaceId')::uuid;
        occurred := to_timestamp((ev ->> 'occurredAt')::double precision / 1000);

        case ev ->> 'type'
        when 'message' then
          -- Our own send, echoed back: a receipt for the row messages.send keeps.
          perform app.receive_status(event_workspace, event_account, ev ->> 'mid', 'sent', occurred, null);

        when 'status' then
          if ev ->> 'watermark' is not null then
            -- Messenger/Instagram: everything we sent this member up to the watermark.
            perform app.advance_message_status(m.id, (ev ->> 'status')::public.message_status, occurred, null)
            from public.contact_identities ci
            join public.conversations c on c.contact_identity_id = ci.id
            join public.messages m on m.conversation_id = c.id
            where ci.channel_account_id = event_account and ci.provider_user_id = ev ->> 'userId'
              and m.direction = 'outbound' and m.created_at <= to_timestamp((ev ->> 'watermark')::double precision / 1000);
          end if;
          perform app.receive_status(event_workspace, event_account, mid.value, (ev ->> 'status')::public.message_status,
                                     occurred, ev -> 'error')
          from jsonb_array_elements_text(coalesce(ev -> 'mids', '[]')) as mid (value);

        when 'reaction' then
          update public.messages m set reactions =
            (select coalesce(jsonb_agg(r), '[]') from jsonb_array_elements(m.reactions) r where r ->> 'by' <> 'member')
            || case when ev ->> 'emoji' is null then '[]'::jsonb
                    else jsonb_build_array(jsonb_build_object('emoji', ev ->> 'emoji', 'reaction', ev ->> 'reaction', 'by', 'member')) end
          where m.channel_account_id = event_account and m.provider_message_id = ev ->> 'targetMid';

        when 'unsend' then
          update public.messages m set deleted_at = coalesce(m.deleted_at, occurred)
          where m.channel_account_id = event_account and m.provider_message_id = ev ->> 'mid' and m.direction = 'inbound';

        when 'edit' then
          update public.messages m set text = ev ->> 'text', edited_at = occurred
          where m.channel_account_id = event_account and m.provider_message_id = ev ->> 'mid' and m.direction = 'inbound';

        else
          raise exception 'unknown normalized event type %', ev ->> 'type';
        end case;
      end loop;
    end if;

    final_outcome := case when routed = 0 and unroutable > 0 then 'unroutable' else 'processed' end;
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
