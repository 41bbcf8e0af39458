-- Webhook ingest: one call per webhook stores the raw event and applies its normalized events in one
-- transaction. Idempotent (Meta redelivers), race-free (a per-member advisory lock), and statuses only
-- move forward. Receipts that beat their message are parked and applied when the message appears.

-- Receipts and echoes for outbound messages not stored yet (a WhatsApp status or a Messenger echo
-- can arrive before the Send API call has returned).
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
create policy pending_receipts_select_member on public.pending_receipts
  for select to authenticated using (workspace_id = any (array(select app.member_workspace_ids())));
grant select on public.pending_receipts to authenticated;
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

/*
 * The whole of one webhook: store the raw payload, then apply its normalized events (built by
 * supabase/functions/_shared/normalize.ts) in one transaction. If applying fails, the raw event stays,
 * marked failed with the error, for replay. Returns counts and the identities that need a profile lookup.
 */
create function app.ingest_meta_webhook(webhook_object text, payload jsonb, events jsonb, replay_of bigint default null)
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
    -- each carrying its account, workspace and position in the webhook.
    select coalesce(jsonb_agg(e || jsonb_build_object('accountUuid', ca.id, 'workspaceId', ca.workspace_id, 'n', n) order by n)
                      filter (where ca.id is not null), '[]'),
           count(*) - count(ca.id),
           coalesce(array_agg(distinct ca.workspace_id) filter (where ca.id is not null), '{}'),
           count(*) filter (where ca.id is not null and e ->> 'type' = 'message' and e ->> 'sender' <> 'app')
    into routed_events, unroutable, workspaces, message_events
    from jsonb_array_elements(events) with ordinality as x (e, n)
    left join public.channel_accounts ca
      on ca.provider = (e ->> 'provider')::public.channel_provider and ca.provider_account_id = e ->> 'accountId'
     and ca.status <> 'disconnected';
    routed := jsonb_array_length(routed_events);

    if message_events > 0 then
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

    -- Everything else, in the order Meta sent it: receipts, echoes of our own sends, reactions, unsends, edits.
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

revoke execute on function app.status_rank(public.message_status), app.advance_message_status(uuid, public.message_status, timestamptz, jsonb),
  app.receive_status(uuid, uuid, text, public.message_status, timestamptz, jsonb),
  app.ingest_meta_webhook(text, jsonb, jsonb, bigint)
  from public;
grant execute on function app.ingest_meta_webhook(text, jsonb, jsonb, bigint) to service_role;
