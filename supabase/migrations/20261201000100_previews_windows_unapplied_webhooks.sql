-- Three defects of ingest and the inbox (issue #14):
--  * a webhook whose events cannot be applied is still stored, as failed, for replay (app.keep_unapplied_webhook);
--  * a conversation's preview follows the latest message that still exists: each message keeps its own
--    preview (null when it is the text itself), so an unsend or an edit of the latest message recomputes it;
--  * Meta's refusal of a reply for the window (131047, 10, 2018278) closes the conversation's window until the
--    member writes again (conversations.window_closed_at).

-- ── webhooks kept when they cannot be applied ───────────────────────────────────
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

-- ── previews that follow the latest message ─────────────────────────────────────
-- What the inbox list shows for the message (supabase/functions/_shared/meta-events.ts previewOf), kept only
-- when it differs from the text: most messages are one short line, which is their own preview.
alter table public.messages add column preview text;
comment on column public.messages.preview is
  'The list preview of this message when it is not the text itself (long, multi-line, or an attachment label).';

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

create or replace function app.queue_outgoing_message(
  target_conversation uuid, client_message text, message_text text, message_attachments jsonb, preview text,
  out message_id uuid, out created boolean
)
language plpgsql security definer set search_path = ''
as $$
declare
  conversation record;
begin
  select c.id, c.workspace_id, c.channel_account_id into conversation
  from public.conversations c
  where c.id = target_conversation and c.workspace_id = any (array(select app.member_workspace_ids()));
  if not found then
    return;
  end if;

  insert into public.messages (workspace_id, conversation_id, channel_account_id, direction, kind, sender, sender_user_id,
                               text, preview, attachments, client_message_id, status)
  values (conversation.workspace_id, conversation.id, conversation.channel_account_id, 'outbound',
          case when message_attachments = '[]'::jsonb then 'text'
               when message_attachments -> 0 ->> 'type' = 'image' then 'image' else 'file' end::public.message_kind,
          'staff', (select auth.uid()), message_text, nullif(preview, message_text), message_attachments, client_message,
          'pending')
  on conflict (workspace_id, client_message_id) do nothing
  returning id into message_id;

  created := message_id is not null;
  if not created then
    select m.id into message_id from public.messages m
    where m.workspace_id = conversation.workspace_id and m.client_message_id = client_message
      and m.conversation_id = conversation.id;
    return;
  end if;

  update public.conversations set last_message_at = greatest(last_message_at, now()), last_message_preview = preview,
                                  updated_at = now()
  where id = conversation.id;
  insert into public.audit_logs (workspace_id, actor_user_id, entity, entity_id, action, metadata)
  values (conversation.workspace_id, (select auth.uid()), 'message', message_id, 'message.queued',
          jsonb_build_object('conversationId', conversation.id));
end
$$;

-- ── windows Meta has closed ─────────────────────────────────────────────────────
alter table public.conversations add column window_closed_at timestamptz;
comment on column public.conversations.window_closed_at is
  'When Meta last refused a reply because the messaging window had closed; closed until last_inbound_at passes it.';

create function app.note_window_closed() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  update public.conversations c set window_closed_at = greatest(c.window_closed_at, coalesce(new.failed_at, now())),
                                    updated_at = now()
  where c.id = new.conversation_id;
  return null;
end
$$;
revoke execute on function app.note_window_closed() from public;

-- A send refused synchronously (messages.send) or by a later status webhook (WhatsApp's 131047) alike.
create trigger messages_note_window_closed
  after update of status on public.messages
  for each row when (new.status = 'failed' and old.status <> 'failed' and new.error ->> 'code' = 'WINDOW_CLOSED')
  execute function app.note_window_closed();

-- The list's broadcast carries it, so an open thread learns that its composer must close.
create or replace function app.conversation_event(c public.conversations) returns jsonb
language sql stable
as $$
  select jsonb_build_object(
    'id', c.id, 'workspaceId', c.workspace_id, 'status', c.status, 'archivedAt', c.archived_at,
    'unreadCount', c.unread_count, 'lastMessageAt', c.last_message_at, 'lastInboundAt', c.last_inbound_at,
    'windowClosedAt', c.window_closed_at, 'preview', c.last_message_preview, 'assigneeId', c.assignee_id,
    'contactId', c.contact_id, 'channelAccountId', c.channel_account_id)
$$;

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
             n.window_closed_at, n.last_message_preview, n.assignee_id, n.contact_id, n.channel_account_id)
            is distinct from
            (o.workspace_id, o.status, o.archived_at, o.unread_count, o.last_message_at, o.last_inbound_at,
             o.window_closed_at, o.last_message_preview, o.assignee_id, o.contact_id, o.channel_account_id)));
  end if;
  return null;
end;
$$;

-- ── ingest: previews stored per message, recomputed on unsend and edit ───────────
create or replace function app.apply_meta_events(events jsonb, out routed app.routed_event[], out unroutable_webhooks integer[],
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

