-- WhatsApp templates (issue #22, ADR 027): a WhatsApp Business Account's message templates as Meta lists them
-- (`GET /{waba-id}/message_templates`), kept per workspace and account. The worker's `sync-templates` job writes them
-- (enqueued here when a number is connected, and when a template webhook names one we do not know); the template
-- webhooks update their status, quality and category in the ingest transaction. Members read them; only the
-- service role writes. A template send is queued by app.queue_template_message, which takes the template's name and
-- language from this table, never from the caller, and sends approved ones only.
create table public.whatsapp_templates (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  waba_id text not null,
  provider_template_id text not null,
  name text not null,
  language text not null,
  category text not null,
  status text not null,
  rejected_reason text,
  quality text,
  components jsonb not null default '[]' check (jsonb_typeof(components) = 'array'),
  -- When Meta last changed its status (a webhook's time, or the sync that saw it change, both to the second as
  -- Meta's times are): an older webhook delivered late changes nothing; one of the same second is Meta's word.
  status_changed_at timestamptz not null default date_trunc('second', now()),
  synced_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, waba_id, provider_template_id)
);
create index whatsapp_templates_name_idx on public.whatsapp_templates (workspace_id, waba_id, name, language);
alter table public.whatsapp_templates enable row level security;
create policy whatsapp_templates_select_member on public.whatsapp_templates for select to authenticated
  using (workspace_id = any (array(select app.member_workspace_ids())));
grant select on public.whatsapp_templates to authenticated;
grant all on public.whatsapp_templates to service_role;

-- One sync per workspace and account at a time (a job key): a burst of webhooks or connects comes to one run.
create function app.enqueue_template_sync(target_workspace uuid, waba text) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  perform graphile_worker.add_job('sync-templates', json_build_object('workspaceId', target_workspace, 'wabaId', waba),
                                  max_attempts := 5, job_key := 'sync-templates:' || target_workspace || ':' || waba);
end
$$;
revoke execute on function app.enqueue_template_sync(uuid, text) from public;
grant execute on function app.enqueue_template_sync(uuid, text) to service_role;

-- A number connected (or reconnected, or moved to another account): its account's templates are synced.
create function app.enqueue_template_sync_on_connect() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if new.provider = 'whatsapp' and new.status = 'active' and new.waba_id is not null
     and (tg_op = 'INSERT' or old.status <> 'active' or old.waba_id is distinct from new.waba_id) then
    perform app.enqueue_template_sync(new.workspace_id, new.waba_id);
  end if;
  return null;
end
$$;
create trigger channel_accounts_enqueue_template_sync after insert or update of status, waba_id on public.channel_accounts
  for each row execute function app.enqueue_template_sync_on_connect();

-- Template webhooks' events (TemplateEvent in supabase/functions/_shared/meta-events.ts), each with the workspace whose
-- connected number has its account (a row per workspace; null when none has).
create function app.routed_template_events(events jsonb)
returns table (n bigint, waba text, occurred_at timestamptz, change text, template_id text, name text, language text,
               value text, reason text, webhook integer, workspace_id uuid)
language sql stable security definer set search_path = ''
as $$
  select e.n, e.waba, to_timestamp(e.occurred_at / 1000), e.change, e.template_id, e.name, e.language, e.value, e.reason,
         coalesce(e.webhook, 1), ws.workspace_id
  from rows from (jsonb_to_recordset(events) as (
         type text, provider text, "accountId" text, "occurredAt" double precision, change text, "templateId" text,
         name text, language text, value text, reason text, webhook integer))
       with ordinality as e (type, provider, waba, occurred_at, change, template_id, name, language, value, reason,
                             webhook, n)
  left join lateral (
    select distinct ca.workspace_id from public.channel_accounts ca
    where ca.provider = 'whatsapp' and ca.waba_id = e.waba and ca.status <> 'disconnected'
  ) ws on true
$$;

-- Applies them: per template the newest status, quality and category win, a status only when newer than the one
-- stored. A template we do not know yet (made after the last sync) has its account synced. Answers each event's
-- webhook and workspace.
create function app.apply_template_events(events jsonb) returns table (webhook integer, workspace_id uuid)
language plpgsql security definer set search_path = ''
as $$
begin
  with per_template as (
    select t.workspace_id, t.waba, t.template_id, t.name, t.language,
           (array_agg(t.value order by t.occurred_at desc, t.n desc) filter (where t.change = 'status'))[1] as status,
           (array_agg(t.reason order by t.occurred_at desc, t.n desc) filter (where t.change = 'status'))[1] as reason,
           max(t.occurred_at) filter (where t.change = 'status') as status_at,
           (array_agg(t.value order by t.occurred_at desc, t.n desc) filter (where t.change = 'quality'))[1] as quality,
           (array_agg(t.value order by t.occurred_at desc, t.n desc) filter (where t.change = 'category'))[1] as category
    from app.routed_template_events(events) t
    where t.workspace_id is not null
    group by 1, 2, 3, 4, 5
  )
  update public.whatsapp_templates wt set
    status = case when p.status is not null and p.status_at >= wt.status_changed_at then p.status else wt.status end,
    rejected_reason = case when p.status is not null and p.status_at >= wt.status_changed_at then p.reason
                           else wt.rejected_reason end,
    status_changed_at = case when p.status is not null and p.status_at >= wt.status_changed_at then p.status_at
                             else wt.status_changed_at end,
    quality = coalesce(p.quality, wt.quality),
    category = coalesce(p.category, wt.category),
    updated_at = now()
  from per_template p
  where wt.workspace_id = p.workspace_id and wt.waba_id = p.waba
    and (wt.provider_template_id = p.template_id or (p.template_id is null and wt.name = p.name and wt.language = p.language));

  perform app.enqueue_template_sync(u.workspace_id, u.waba)
  from (
    select distinct t.workspace_id, t.waba from app.routed_template_events(events) t
    where t.workspace_id is not null and not exists (
      select 1 from public.whatsapp_templates wt
      where wt.workspace_id = t.workspace_id and wt.waba_id = t.waba
        and (wt.provider_template_id = t.template_id or (t.template_id is null and wt.name = t.name and wt.language = t.language)))
  ) u;

  return query select t.webhook, t.workspace_id from app.routed_template_events(events) t order by t.n;
end
$$;
revoke execute on function app.routed_template_events(jsonb) from public;
revoke execute on function app.apply_template_events(jsonb) from public;
grant execute on function app.apply_template_events(jsonb) to service_role;

-- What queuing a staff reply does besides storing it: the conversation's list position and preview, and the audit row.
-- (app.queue_outgoing_message does the same: …_saved_reply_attachments.sql.)
create function app.note_queued_reply(workspace uuid, conversation uuid, message uuid, preview text, details jsonb)
returns void
language sql security definer set search_path = ''
as $$
  update public.conversations set last_message_at = greatest(last_message_at, now()), last_message_preview = preview,
                                  updated_at = now()
  where id = conversation;
  insert into public.audit_logs (workspace_id, actor_user_id, entity, entity_id, action, metadata)
  values (workspace, (select auth.uid()), 'message', message, 'message.queued',
          jsonb_build_object('conversationId', conversation) || details);
$$;
revoke execute on function app.note_queued_reply(uuid, uuid, uuid, text, jsonb) from public;

-- A template reply, queued as pending like any other (its send follows in the same request, and its confirm-send job
-- is scheduled by the insert trigger). Outcomes: queued, not_found (no such conversation for the caller), not_whatsapp,
-- template_not_found (not this number's account), not_approved, no_header_file (the header's image, video or document
-- is not a file uploaded to this conversation that WhatsApp takes as one). The text is the rendered template, as the
-- thread shows it; the send's components, the header file and the template's own name and language are kept in
-- `metadata.template` (the header is signed for Meta when it is sent, and again on a retry).
create function app.queue_template_message(
  target_conversation uuid, client_message text, template uuid, template_components jsonb, message_text text,
  preview text, header_file text, out outcome text, out message_id uuid, out created boolean
)
language plpgsql security definer set search_path = ''
as $$
declare
  conversation record;
  chosen record;
begin
  select c.id, c.workspace_id, c.channel_account_id, ca.provider, ca.waba_id into conversation
  from public.conversations c
  join public.channel_accounts ca on ca.id = c.channel_account_id
  where c.id = target_conversation and c.workspace_id = any (array(select app.member_workspace_ids()));
  if not found then
    outcome := 'not_found';
    return;
  end if;
  if conversation.provider <> 'whatsapp' then
    outcome := 'not_whatsapp';
    return;
  end if;
  select t.id, t.name, t.language, t.category, t.status,
         (select upper(c ->> 'format') from jsonb_array_elements(t.components) c
          where upper(c ->> 'type') = 'HEADER' limit 1) as header_format
  into chosen from public.whatsapp_templates t
  where t.id = template and t.workspace_id = conversation.workspace_id and t.waba_id = conversation.waba_id;
  if not found then
    outcome := 'template_not_found';
    return;
  end if;
  if chosen.status <> 'APPROVED' then
    outcome := 'not_approved';
    return;
  end if;
  if jsonb_typeof(template_components) is distinct from 'array' or char_length(coalesce(message_text, '')) not between 1 and 4096 then
    raise exception 'a template reply needs its components and its text' using errcode = '22023';
  end if;
  if chosen.header_format in ('IMAGE', 'VIDEO', 'DOCUMENT') then
    if header_file is null or not starts_with(header_file, conversation.workspace_id || '/outbound/' || conversation.id || '/')
       or not exists (
         select 1 from storage.objects o
         cross join lateral app.outbound_media_rule('whatsapp', coalesce(o.metadata ->> 'mimetype', '')) r
         where o.bucket_id = 'attachments' and o.name = header_file and r.type = lower(chosen.header_format)
           and (o.metadata ->> 'size')::bigint between 1 and r.max_bytes) then
      outcome := 'no_header_file';
      return;
    end if;
  elsif header_file is not null then
    outcome := 'no_header_file';
    return;
  end if;

  insert into public.messages (workspace_id, conversation_id, channel_account_id, direction, kind, sender, sender_user_id,
                               text, preview, metadata, client_message_id, status)
  values (conversation.workspace_id, conversation.id, conversation.channel_account_id, 'outbound', 'template', 'staff',
          (select auth.uid()), message_text, nullif(preview, message_text),
          jsonb_build_object('template', jsonb_build_object('id', chosen.id, 'name', chosen.name, 'language',
                             chosen.language, 'category', chosen.category, 'components', template_components,
                             'headerFile', case when header_file is not null
                                                then jsonb_build_object('type', lower(chosen.header_format), 'storedPath', header_file)
                                           end)),
          client_message, 'pending')
  on conflict (workspace_id, client_message_id) do nothing
  returning id into message_id;

  outcome := 'queued';
  created := message_id is not null;
  if not created then
    select m.id into message_id from public.messages m
    where m.workspace_id = conversation.workspace_id and m.client_message_id = client_message
      and m.conversation_id = conversation.id;
    return;
  end if;

  perform app.note_queued_reply(conversation.workspace_id, conversation.id, message_id, preview,
                                jsonb_build_object('template', chosen.name, 'language', chosen.language));
end
$$;
revoke execute on function app.queue_template_message(uuid, text, uuid, jsonb, text, text, text) from public;
grant execute on function app.queue_template_message(uuid, text, uuid, jsonb, text, text, text) to authenticated;

-- ── ingest: template webhooks are routed by their account, like any other webhook's events by theirs ──
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
  member_events jsonb := events;
  template_events jsonb;
  template_routes jsonb := '[]';
begin
  begin
    -- Template changes are about a WhatsApp Business Account, not a member: applied on their own.
    if events @> '[{"type": "template"}]' then
      select coalesce(jsonb_agg(e order by n) filter (where e ->> 'type' <> 'template'), '[]'),
             coalesce(jsonb_agg(e order by n) filter (where e ->> 'type' = 'template'), '[]')
      into member_events, template_events
      from jsonb_array_elements(events) with ordinality t (e, n);
      select coalesce(jsonb_agg(jsonb_build_object('w', r.webhook, 'workspace', r.workspace_id)), '[]') into template_routes
      from app.apply_template_events(template_events) r;
    end if;
    select * into routed, unroutable_webhooks, inserted_webhooks, new_identities from app.apply_meta_events(member_events);
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
    union all select (t ->> 'w')::integer, (t ->> 'workspace' is not null)::integer, 0, (t ->> 'workspace')::uuid,
                     (t ->> 'workspace' is null)::integer, 0
              from jsonb_array_elements(template_routes) t
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
