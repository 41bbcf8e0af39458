-- Broadcasts (issue #24, DESIGN §15, ADR 029): one message to an audience of contacts through one channel, every
-- recipient a row with its own status. Managers and admins build and send them; every member sees them. A recipient
-- is sent by the `send-broadcast` job: its message is stored, pending, with the recipient marked `sending`, in the
-- transaction that claims it, before any Graph call, so a job that crashes or runs twice never sends it again — a
-- claim takes only `queued` recipients, and one whose send was never answered waits for Meta's status (which carries
-- our message id) or its confirm-send job, as any reply does (ADR 009). The message's status then drives the
-- recipient's (forward only) and a member's reply marks it replied. Counts are read from the recipients (an index per
-- status); the worker tells the workspace's Realtime topic when a broadcast moved, at most once a second.

-- ── marketing consent ──
-- A member who replies STOP (or stops marketing in WhatsApp) gets no marketing broadcast until they reply START.
alter table public.contacts add column marketing_opted_out_at timestamptz;
alter table public.contact_events drop constraint contact_events_kind_check;
alter table public.contact_events add constraint contact_events_kind_check
  check (kind in ('stage_changed', 'tagged', 'untagged', 'merged', 'imported', 'opted_out', 'opted_in'));

-- Whole replies that opt out or back in, compared after app.consent_keyword (case, accents and trailing punctuation
-- ignored). "Cancel" and "end" are not among them: at a gym they are about a booking.
alter table public.workspaces
  add column opt_out_keywords text[] not null
    default '{STOP,STOPALL,UNSUBSCRIBE,"OPT OUT",ARRET,BAJA,PARAR,STOPP,ABMELDEN,DISISCRIVITI,SAIR}',
  add column opt_in_keywords text[] not null default '{START,UNSTOP,SUBSCRIBE,"OPT IN",ALTA,ANMELDEN}';

-- Messages Frontdesk sends by itself (a consent confirmation; flows later) are the bot's, not a person's.
alter type public.message_sender add value if not exists 'bot';

create function app.consent_keyword(reply text) returns text
language sql immutable parallel safe set search_path = ''
as $$
  select upper(translate(btrim(regexp_replace(coalesce(reply, ''), '[[:punct:][:space:]]+$', '')),
                         'àáâãäåèéêëìíîïòóôõöùúûüçñÀÁÂÃÄÅÈÉÊËÌÍÎÏÒÓÔÕÖÙÚÛÜÇÑ',
                         'aaaaaaeeeeiiiiooooouuuucnAAAAAAEEEEIIIIOOOOOUUUUCN'))
$$;

-- ── pacing per channel ──
-- A token bucket per sending number or Page: `per_second` tokens a second, at most half a second's worth saved up, so
-- sends go out evenly: a full second's burst, arriving at Meta bunched by network jitter, would meet its own limit.
-- WhatsApp allows 80 messages a second per number, inbound replies included, so broadcasts default to 40.
-- `daily_limit`: WhatsApp's messaging limit for the number (business-initiated conversations per 24 h; null: none).
create table public.channel_send_pacing (
  channel_account_id uuid primary key,
  workspace_id uuid not null,
  per_second integer not null default 40 check (per_second between 1 and 80),
  daily_limit integer check (daily_limit > 0),
  tokens double precision not null default 0,
  refilled_at timestamptz not null default clock_timestamp(),
  foreign key (workspace_id, channel_account_id) references public.channel_accounts (workspace_id, id) on delete cascade
);
alter table public.channel_send_pacing enable row level security;
create policy channel_send_pacing_select_member on public.channel_send_pacing for select to authenticated
  using (workspace_id = any (array(select app.member_workspace_ids())));
grant select (channel_account_id, workspace_id, per_second, daily_limit) on public.channel_send_pacing to authenticated;
grant all on public.channel_send_pacing to service_role;

-- Up to `wanted` sends now on this channel: granted, and when to ask again if none was.
create function app.take_send_tokens(channel uuid, wanted integer, out granted integer, out wait_ms integer)
language plpgsql security definer set search_path = ''
as $$
declare
  pacing public.channel_send_pacing;
  available double precision;
begin
  select * into pacing from public.channel_send_pacing where channel_account_id = channel for update;
  if not found then
    -- A channel's first broadcast: its row, with the default pace.
    insert into public.channel_send_pacing (channel_account_id, workspace_id)
    select ca.id, ca.workspace_id from public.channel_accounts ca where ca.id = channel
    on conflict do nothing;
    select * into pacing from public.channel_send_pacing where channel_account_id = channel for update;
  end if;
  if not found then
    granted := 0;
    wait_ms := 1000;
    return;
  end if;
  available := least(greatest(pacing.per_second / 2.0, 1),
                     pacing.tokens + extract(epoch from clock_timestamp() - pacing.refilled_at) * pacing.per_second);
  granted := greatest(0, least(wanted, floor(available)::integer));
  update public.channel_send_pacing set tokens = available - granted, refilled_at = clock_timestamp()
  where channel_account_id = channel;
  wait_ms := case when granted > 0 then 0 else ceil((1 - available) * 1000 / pacing.per_second)::integer end;
end
$$;

-- Meta said slow down (130429, 131056): no tokens on this channel for `seconds`.
create function app.slow_channel(channel uuid, seconds double precision) returns void
language sql security definer set search_path = ''
as $$
  update public.channel_send_pacing set tokens = least(tokens, 0) - seconds * per_second, refilled_at = clock_timestamp()
  where channel_account_id = channel
$$;
revoke execute on function app.take_send_tokens(uuid, integer) from public;
revoke execute on function app.slow_channel(uuid, double precision) from public;
grant execute on function app.take_send_tokens(uuid, integer) to service_role;
grant execute on function app.slow_channel(uuid, double precision) to service_role;

-- An admin sets a channel's pace and daily limit: outcome changed, forbidden, invalid, not_found.
create function app.set_channel_pacing(channel uuid, rate integer, limit_per_day integer) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  target_workspace uuid := (select ca.workspace_id from public.channel_accounts ca where ca.id = channel);
  caller_role public.workspace_role := app.member_role(target_workspace);
begin
  if caller_role is null then
    return 'not_found';
  end if;
  if caller_role <> 'admin' then
    return 'forbidden';
  end if;
  if rate not between 1 and 80 or limit_per_day <= 0 then
    return 'invalid';
  end if;
  insert into public.channel_send_pacing (channel_account_id, workspace_id, per_second, daily_limit)
  values (channel, target_workspace, rate, limit_per_day)
  on conflict (channel_account_id) do update set per_second = excluded.per_second, daily_limit = excluded.daily_limit;
  perform app.audit(target_workspace, 'channel', channel, 'channel.pacing_changed',
                    jsonb_build_object('perSecond', rate, 'dailyLimit', limit_per_day));
  return 'changed';
end
$$;
revoke execute on function app.set_channel_pacing(uuid, integer, integer) from public;
grant execute on function app.set_channel_pacing(uuid, integer, integer) to authenticated;

-- ── broadcasts ──
create table public.broadcasts (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 120),
  channel_account_id uuid not null,
  -- {tagIds?: uuid[] (any), stageIds?: uuid[] (any; "none" outside the pipeline), lastInboundWithinDays?: int,
  --  fields?: [{fieldId, value}] (all)}: checked by the server (server/services/broadcast-audience.ts).
  audience jsonb not null default '{}' check (jsonb_typeof(audience) = 'object'),
  -- WhatsApp: an approved template of the number's account, each slot's value a text with {{contact.…}} variables.
  template_id uuid references public.whatsapp_templates (id) on delete set null,
  template_values jsonb not null default '{}' check (jsonb_typeof(template_values) = 'object'),
  -- Messenger and Instagram: a text with variables, sent only to members inside their 24-hour window.
  body text check (char_length(body) <= 2000),
  -- What a variable becomes for a contact without it: {"contact.first_name": "there"}.
  fallbacks jsonb not null default '{}' check (jsonb_typeof(fallbacks) = 'object'),
  status text not null default 'draft'
    check (status in ('draft', 'scheduled', 'sending', 'paused', 'done', 'cancelled')),
  scheduled_at timestamptz,
  paused_reason text,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  unique (workspace_id, id),
  foreign key (workspace_id, channel_account_id) references public.channel_accounts (workspace_id, id) on delete cascade,
  check (status <> 'scheduled' or scheduled_at is not null)
);
create index broadcasts_workspace_idx on public.broadcasts (workspace_id, created_at desc, id desc);
alter table public.broadcasts enable row level security;
create policy broadcasts_select_member on public.broadcasts for select to authenticated
  using (workspace_id = any (array(select app.member_workspace_ids())));
grant select on public.broadcasts to authenticated;
grant all on public.broadcasts to service_role;

create table public.broadcast_recipients (
  id bigint generated always as identity primary key,
  broadcast_id uuid not null,
  workspace_id uuid not null,
  contact_id uuid not null,
  contact_identity_id uuid,
  conversation_id uuid,
  message_id uuid,
  status text not null
    check (status in ('queued', 'sending', 'sent', 'delivered', 'read', 'replied', 'skipped', 'failed')),
  -- skipped: opted_out, no_identity, window_closed, over_daily_limit, cancelled; failed: Meta's code, or ours.
  reason text,
  detail text,
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  sent_at timestamptz,
  delivered_at timestamptz,
  read_at timestamptz,
  replied_at timestamptz,
  updated_at timestamptz not null default now(),
  unique (broadcast_id, contact_id),
  foreign key (workspace_id, broadcast_id) references public.broadcasts (workspace_id, id) on delete cascade,
  foreign key (workspace_id, contact_id) references public.contacts (workspace_id, id) on delete cascade,
  check (status not in ('skipped', 'failed') or reason is not null)
);
create index broadcast_recipients_due_idx on public.broadcast_recipients (broadcast_id, next_attempt_at, id)
  where status = 'queued';
create index broadcast_recipients_status_idx on public.broadcast_recipients (broadcast_id, status, id);
create unique index broadcast_recipients_message_idx on public.broadcast_recipients (message_id)
  where message_id is not null;
create index broadcast_recipients_replies_idx on public.broadcast_recipients (conversation_id, sent_at)
  where status in ('sent', 'delivered', 'read');
create index broadcast_recipients_contact_idx on public.broadcast_recipients (contact_id);
alter table public.broadcast_recipients enable row level security;
create policy broadcast_recipients_select_member on public.broadcast_recipients for select to authenticated
  using (workspace_id = any (array(select app.member_workspace_ids())));
grant select on public.broadcast_recipients to authenticated;
grant all on public.broadcast_recipients to service_role;

-- Who an audience reaches on a channel, and why not the rest: each matching contact once, with its identity and
-- conversation on the channel (the one it wrote on last) and a reason it is skipped (null: it will be sent).
-- `marketing`: the message is marketing (a MARKETING template, or any Messenger/Instagram broadcast).
create function app.broadcast_audience(target_workspace uuid, channel uuid, audience jsonb, marketing boolean)
returns table (contact_id uuid, contact_identity_id uuid, conversation_id uuid, reason text)
language sql stable security definer set search_path = ''
as $$
  with chosen as (
    select ca.provider, p.daily_limit,
           (select count(distinct r.contact_id) from public.broadcast_recipients r
            join public.broadcasts b on b.id = r.broadcast_id
            where b.channel_account_id = ca.id and r.sent_at > now() - interval '24 hours') as sent_today
    from public.channel_accounts ca
    left join public.channel_send_pacing p on p.channel_account_id = ca.id
    where ca.id = channel and ca.workspace_id = target_workspace
  ), matching as (
    select ct.id, ct.marketing_opted_out_at, ct.created_at from public.contacts ct
    where ct.workspace_id = target_workspace
      and (coalesce(jsonb_array_length(audience -> 'tagIds'), 0) = 0
           or exists (select 1 from public.contact_tags ctg
                      where ctg.contact_id = ct.id
                        and ctg.tag_id::text in (select jsonb_array_elements_text(audience -> 'tagIds'))))
      and (coalesce(jsonb_array_length(audience -> 'stageIds'), 0) = 0
           or coalesce(ct.stage_id::text, 'none') in (select jsonb_array_elements_text(audience -> 'stageIds')))
      and not exists (select 1 from jsonb_array_elements(coalesce(audience -> 'fields', '[]')) f
                      where not ct.custom_fields @> jsonb_build_object(f ->> 'fieldId', f -> 'value'))
  ), reached as (
    select m.id as contact_id, i.identity_id, i.conversation_id, i.last_inbound_at, m.marketing_opted_out_at, m.created_at
    from matching m
    left join lateral (
      select ci.id as identity_id, c.id as conversation_id, c.last_inbound_at
      from public.contact_identities ci
      left join public.conversations c on c.contact_identity_id = ci.id
      where ci.contact_id = m.id and ci.channel_account_id = channel
      order by c.last_inbound_at desc nulls last
      limit 1
    ) i on true
    where audience ->> 'lastInboundWithinDays' is null
       or i.last_inbound_at >= now() - make_interval(days => (audience ->> 'lastInboundWithinDays')::integer)
  ), judged as (
    select r.*, case
             when r.conversation_id is null then 'no_identity'
             when marketing and r.marketing_opted_out_at is not null then 'opted_out'
             when (select provider from chosen) <> 'whatsapp'
                  and (r.last_inbound_at is null or r.last_inbound_at < now() - interval '24 hours') then 'window_closed'
           end as first_reason
    from reached r
  )
  select j.contact_id, j.identity_id, j.conversation_id,
         case when j.first_reason is not null then j.first_reason
              when (select provider from chosen) = 'whatsapp' and (select daily_limit from chosen) is not null
                   and row_number() over (partition by j.first_reason is null order by j.created_at, j.contact_id)
                       > greatest((select daily_limit - sent_today from chosen), 0) then 'over_daily_limit'
         end
  from judged j
  where exists (select 1 from chosen)
$$;
revoke execute on function app.broadcast_audience(uuid, uuid, jsonb, boolean) from public;
grant execute on function app.broadcast_audience(uuid, uuid, jsonb, boolean) to service_role;

-- Whether a broadcast's message is marketing: a MARKETING template, or any broadcast on Messenger or Instagram.
create function app.broadcast_is_marketing(channel uuid, template uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select coalesce((select t.category = 'MARKETING' from public.whatsapp_templates t where t.id = template),
                  (select ca.provider <> 'whatsapp' from public.channel_accounts ca where ca.id = channel), true)
$$;
revoke execute on function app.broadcast_is_marketing(uuid, uuid) from public;
grant execute on function app.broadcast_is_marketing(uuid, uuid) to service_role;

-- The live count while a manager builds a broadcast: contacts per reason (null: reachable). Managers and admins.
create function app.broadcast_reach(target_workspace uuid, channel uuid, audience jsonb, template uuid)
returns table (reason text, contacts integer)
language sql stable security definer set search_path = ''
as $$
  select a.reason, count(*)::integer
  from app.broadcast_audience(target_workspace, channel, audience, app.broadcast_is_marketing(channel, template)) a
  where app.member_role(target_workspace) in ('admin', 'manager')
  group by a.reason
$$;
revoke execute on function app.broadcast_reach(uuid, uuid, jsonb, uuid) from public;
grant execute on function app.broadcast_reach(uuid, uuid, jsonb, uuid) to authenticated, service_role;

-- A draft created or changed (changes: name, channelId, audience, templateId, templateValues, body, fallbacks):
-- outcome changed, forbidden (an agent), not_draft (started already), invalid (a channel or template that is not
-- this workspace's), not_found.
create function app.save_broadcast(target_workspace uuid, target uuid, changes jsonb,
                                   out outcome text, out broadcast_id uuid)
language plpgsql security definer set search_path = ''
as $$
declare
  caller_role public.workspace_role := app.member_role(target_workspace);
  current public.broadcasts;
begin
  if caller_role is null then
    outcome := 'not_found';
    return;
  end if;
  if caller_role = 'agent' then
    outcome := 'forbidden';
    return;
  end if;
  if (changes ? 'channelId' and not exists (select 1 from public.channel_accounts ca
                                            where ca.id = (changes ->> 'channelId')::uuid
                                              and ca.workspace_id = target_workspace))
     or (changes ->> 'templateId' is not null
         and not exists (select 1 from public.whatsapp_templates t
                         join public.channel_accounts ca on ca.waba_id = t.waba_id and ca.workspace_id = t.workspace_id
                         where t.id = (changes ->> 'templateId')::uuid and t.workspace_id = target_workspace
                           and ca.id = coalesce((changes ->> 'channelId')::uuid,
                                                (select b.channel_account_id from public.broadcasts b where b.id = target)))) then
    outcome := 'invalid';
    return;
  end if;
  if target is null then
    insert into public.broadcasts (workspace_id, name, channel_account_id, audience, template_id, template_values, body,
                                   fallbacks, created_by)
    values (target_workspace, changes ->> 'name', (changes ->> 'channelId')::uuid, coalesce(changes -> 'audience', '{}'),
            (changes ->> 'templateId')::uuid, coalesce(changes -> 'templateValues', '{}'), changes ->> 'body',
            coalesce(changes -> 'fallbacks', '{}'), (select auth.uid()))
    returning id into broadcast_id;
    perform app.audit(target_workspace, 'broadcast', broadcast_id, 'broadcast.created',
                      jsonb_build_object('name', changes ->> 'name'));
    outcome := 'changed';
    return;
  end if;
  select * into current from public.broadcasts b where b.id = target and b.workspace_id = target_workspace for update;
  if not found then
    outcome := 'not_found';
    return;
  end if;
  if current.status <> 'draft' then
    outcome := 'not_draft';
    return;
  end if;
  update public.broadcasts b set
    name = coalesce(changes ->> 'name', b.name),
    channel_account_id = coalesce((changes ->> 'channelId')::uuid, b.channel_account_id),
    audience = coalesce(changes -> 'audience', b.audience),
    template_id = case when changes ? 'templateId' then (changes ->> 'templateId')::uuid else b.template_id end,
    template_values = coalesce(changes -> 'templateValues', b.template_values),
    body = case when changes ? 'body' then changes ->> 'body' else b.body end,
    fallbacks = coalesce(changes -> 'fallbacks', b.fallbacks),
    updated_at = now()
  where b.id = target;
  broadcast_id := target;
  outcome := 'changed';
end
$$;
revoke execute on function app.save_broadcast(uuid, uuid, jsonb) from public;
grant execute on function app.save_broadcast(uuid, uuid, jsonb) to authenticated;

-- Why a broadcast cannot go now, or null: its channel, its message, its template's review.
create function app.broadcast_blocker(b public.broadcasts) returns text
language sql stable security definer set search_path = ''
as $$
  select case
    when ca.status <> 'active' then 'channel_needs_reconnect'
    when ca.provider = 'whatsapp' and b.template_id is null then 'no_message'
    when ca.provider = 'whatsapp' and (t.status is distinct from 'APPROVED' or t.waba_id is distinct from ca.waba_id)
      then 'template_not_approved'
    when ca.provider <> 'whatsapp' and coalesce(btrim(b.body), '') = '' then 'no_message'
  end
  from public.channel_accounts ca
  left join public.whatsapp_templates t on t.id = b.template_id
  where ca.id = b.channel_account_id
$$;
revoke execute on function app.broadcast_blocker(public.broadcasts) from public;
grant execute on function app.broadcast_blocker(public.broadcasts) to service_role;

-- The recipients of a broadcast that starts sending, judged now; its job, due at once.
create function app.materialize_broadcast(b public.broadcasts) returns integer
language plpgsql security definer set search_path = ''
as $$
declare
  reachable integer;
begin
  insert into public.broadcast_recipients (broadcast_id, workspace_id, contact_id, contact_identity_id, conversation_id,
                                           status, reason)
  select b.id, b.workspace_id, a.contact_id, a.contact_identity_id, a.conversation_id,
         case when a.reason is null then 'queued' else 'skipped' end, a.reason
  from app.broadcast_audience(b.workspace_id, b.channel_account_id, b.audience,
                              app.broadcast_is_marketing(b.channel_account_id, b.template_id)) a
  on conflict (broadcast_id, contact_id) do nothing;
  select count(*) into reachable from public.broadcast_recipients r where r.broadcast_id = b.id and r.status = 'queued';
  update public.broadcasts set status = 'sending', started_at = coalesce(started_at, now()), updated_at = now()
  where id = b.id;
  perform graphile_worker.add_job('send-broadcast', json_build_object('broadcastId', b.id, 'workspaceId', b.workspace_id),
                                  max_attempts := 25, job_key := 'send-broadcast:' || b.id);
  return reachable;
end
$$;
revoke execute on function app.materialize_broadcast(public.broadcasts) from public;

-- A broadcast locked for a manager's or an admin's change: null, or why not (not_found, forbidden). Every function
-- below that changes one starts here.
create function app.lock_broadcast_for_change(target uuid) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  workspace uuid;
  caller_role public.workspace_role;
begin
  select b.workspace_id into workspace from public.broadcasts b where b.id = target for update;
  caller_role := app.member_role(workspace);
  if workspace is null or caller_role is null then
    return 'not_found';
  end if;
  if caller_role = 'agent' then
    return 'forbidden';
  end if;
  return null;
end
$$;
revoke execute on function app.lock_broadcast_for_change(uuid) from public;

-- "Send" (at: null or now) or "Schedule" (at: later) a draft: outcome changed, forbidden, not_found, not_draft (a
-- second click: it started already), in_the_past, empty_audience, no_message, template_not_approved,
-- channel_needs_reconnect.
create function app.start_broadcast(target uuid, send_at timestamptz) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  b public.broadcasts;
  refusal text;
  blocker text;
begin
  refusal := app.lock_broadcast_for_change(target);
  if refusal is not null then
    return refusal;
  end if;
  select * into b from public.broadcasts where id = target;
  if b.status <> 'draft' then
    return 'not_draft';
  end if;
  if send_at is not null and send_at < now() - interval '1 minute' then
    return 'in_the_past';
  end if;
  blocker := app.broadcast_blocker(b);
  if blocker is not null then
    return blocker;
  end if;
  if not exists (select 1 from app.broadcast_audience(b.workspace_id, b.channel_account_id, b.audience,
                                                      app.broadcast_is_marketing(b.channel_account_id, b.template_id)) a
                 where a.reason is null) then
    return 'empty_audience';
  end if;
  if send_at is not null and send_at > now() + interval '1 minute' then
    update public.broadcasts set status = 'scheduled', scheduled_at = send_at, updated_at = now() where id = target;
    perform graphile_worker.add_job('send-broadcast', json_build_object('broadcastId', b.id, 'workspaceId', b.workspace_id),
                                    run_at := send_at, max_attempts := 25, job_key := 'send-broadcast:' || b.id);
    perform app.audit(b.workspace_id, 'broadcast', b.id, 'broadcast.scheduled', jsonb_build_object('at', send_at));
    return 'changed';
  end if;
  perform app.materialize_broadcast(b);
  perform app.audit(b.workspace_id, 'broadcast', b.id, 'broadcast.started', '{}');
  return 'changed';
end
$$;
revoke execute on function app.start_broadcast(uuid, timestamptz) from public;
grant execute on function app.start_broadcast(uuid, timestamptz) to authenticated;

-- The worker, when a broadcast's job runs: a scheduled one that is due starts (its audience judged now), or pauses
-- with the reason it cannot; then the broadcast's status, for the job to act on.
create function app.begin_broadcast(target uuid) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  b public.broadcasts;
  blocker text;
begin
  select * into b from public.broadcasts where id = target for update;
  if not found then
    return 'not_found';
  end if;
  if b.status = 'scheduled' and b.scheduled_at <= now() + interval '5 seconds' then
    blocker := app.broadcast_blocker(b);
    if blocker is not null then
      update public.broadcasts set status = 'paused', paused_reason = blocker, updated_at = now() where id = target;
      return 'paused';
    end if;
    perform app.materialize_broadcast(b);
    return 'sending';
  end if;
  return b.status;
end
$$;
revoke execute on function app.begin_broadcast(uuid) from public;
grant execute on function app.begin_broadcast(uuid) to service_role;

-- Pause, resume or cancel: outcome changed, forbidden, not_found, conflict (not in a state that allows it), or the
-- blocker that keeps a paused broadcast from resuming (channel_needs_reconnect, template_not_approved).
create function app.change_broadcast(target uuid, action text) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  b public.broadcasts;
  refusal text;
  blocker text;
  waiting uuid[];
begin
  refusal := app.lock_broadcast_for_change(target);
  if refusal is not null then
    return refusal;
  end if;
  select * into b from public.broadcasts where id = target;
  if action = 'pause' and b.status in ('sending', 'scheduled') then
    update public.broadcasts set status = 'paused', paused_reason = 'paused_by_staff', updated_at = now() where id = target;
  elsif action = 'resume' and b.status = 'paused' then
    blocker := app.broadcast_blocker(b);
    if blocker is not null then
      return blocker;
    end if;
    if b.started_at is null then
      -- Paused before its time came: it starts now.
      update public.broadcasts set status = 'scheduled', scheduled_at = now(), paused_reason = null where id = target;
      select * into b from public.broadcasts where id = target;
      perform app.materialize_broadcast(b);
    else
      update public.broadcasts set status = 'sending', paused_reason = null, updated_at = now() where id = target;
      perform graphile_worker.add_job('send-broadcast', json_build_object('broadcastId', b.id, 'workspaceId', b.workspace_id),
                                      max_attempts := 25, job_key := 'send-broadcast:' || b.id);
    end if;
  elsif action = 'cancel' and b.status in ('scheduled', 'sending', 'paused') then
    update public.broadcasts set status = 'cancelled', finished_at = now(), updated_at = now() where id = target;
    -- A recipient waiting for another try was never sent: its message goes, and it is skipped.
    waiting := array(select r.message_id from public.broadcast_recipients r
                     where r.broadcast_id = target and r.status = 'queued' and r.message_id is not null);
    update public.broadcast_recipients r set status = 'skipped', reason = 'cancelled', message_id = null, updated_at = now()
    where r.broadcast_id = target and r.status = 'queued';
    delete from public.messages m where m.id = any (waiting) and m.status = 'pending';
  else
    return 'conflict';
  end if;
  perform app.audit(b.workspace_id, 'broadcast', b.id, 'broadcast.' || action || 'd', '{}');
  return 'changed';
end
$$;
revoke execute on function app.change_broadcast(uuid, text) from public;
grant execute on function app.change_broadcast(uuid, text) to authenticated;

-- Failed recipients sent again: those whose failure may pass (a rate limit, Meta's trouble), and, when confirmed,
-- those Meta never confirmed (they may have been delivered). Outcome changed (with how many), forbidden, not_found,
-- conflict (the broadcast is cancelled).
create function app.retry_broadcast_recipients(target uuid, include_unconfirmed boolean,
                                               out outcome text, out retried integer)
language plpgsql security definer set search_path = ''
as $$
declare
  b public.broadcasts;
begin
  retried := 0;
  outcome := app.lock_broadcast_for_change(target);
  if outcome is not null then
    return;
  end if;
  select * into b from public.broadcasts where id = target;
  if b.status = 'cancelled' then
    outcome := 'conflict';
    return;
  end if;
  with again as (
    update public.messages m set status = 'pending', error = null, failed_at = null
    from public.broadcast_recipients r
    where r.broadcast_id = target and r.status = 'failed' and m.id = r.message_id and m.status = 'failed'
      and (m.error ->> 'retryable')::boolean
      and (include_unconfirmed or not coalesce((m.error ->> 'mayHaveBeenDelivered')::boolean, false))
    returning m.id
  ), requeued as (
    update public.broadcast_recipients r set status = 'queued', reason = null, detail = null, next_attempt_at = now(),
                                             updated_at = now()
    from again a where r.message_id = a.id
    returning r.id
  )
  select count(*) into retried from requeued;
  if retried > 0 and b.status = 'done' then
    update public.broadcasts set status = 'sending', finished_at = null, updated_at = now() where id = target;
  end if;
  if retried > 0 and b.status in ('done', 'sending') then
    perform graphile_worker.add_job('send-broadcast', json_build_object('broadcastId', b.id, 'workspaceId', b.workspace_id),
                                    max_attempts := 25, job_key := 'send-broadcast:' || b.id);
  end if;
  perform app.audit(b.workspace_id, 'broadcast', b.id, 'broadcast.retried', jsonb_build_object('recipients', retried));
  outcome := 'changed';
end
$$;
revoke execute on function app.retry_broadcast_recipients(uuid, boolean) from public;
grant execute on function app.retry_broadcast_recipients(uuid, boolean) to authenticated;

-- A draft deleted: outcome changed, forbidden, not_found, not_draft.
create function app.delete_broadcast(target uuid) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  b public.broadcasts;
  refusal text;
begin
  refusal := app.lock_broadcast_for_change(target);
  if refusal is not null then
    return refusal;
  end if;
  select * into b from public.broadcasts where id = target;
  if b.status <> 'draft' then
    return 'not_draft';
  end if;
  delete from public.broadcasts where id = target;
  perform app.audit(b.workspace_id, 'broadcast', b.id, 'broadcast.deleted', jsonb_build_object('name', b.name));
  return 'changed';
end
$$;
revoke execute on function app.delete_broadcast(uuid) from public;
grant execute on function app.delete_broadcast(uuid) to authenticated;

-- ── sending (the worker, as service_role) ──
-- Claimed recipients' messages stored, pending, before their Graph calls: `items` [{recipientId, text, preview,
-- components?}] for recipients the caller holds locked as `queued`. A recipient sent before (a rate limit put it back)
-- keeps its message, whose id is the reference Meta echoes. Returns each recipient's message id.
create function app.queue_broadcast_messages(target uuid, items jsonb)
returns table (recipient_id bigint, message_id uuid)
language plpgsql security definer set search_path = ''
as $$
#variable_conflict use_column
declare
  b public.broadcasts;
  template record;
begin
  select * into b from public.broadcasts where id = target;
  select t.id, t.name, t.language, t.category into template from public.whatsapp_templates t where t.id = b.template_id;
  return query
  with input as (
    select x."recipientId" as rid, x.text, x.preview, x.components
    from jsonb_to_recordset(items) as x ("recipientId" bigint, text text, preview text, components jsonb)
  ), due as (
    select r.id, r.conversation_id, r.message_id, i.text, i.preview, i.components
    from public.broadcast_recipients r join input i on i.rid = r.id
    where r.broadcast_id = target and r.status = 'queued'
  ), created as (
    insert into public.messages (workspace_id, conversation_id, channel_account_id, direction, kind, sender, sender_user_id,
                                 text, preview, metadata, client_message_id, status)
    select b.workspace_id, d.conversation_id, b.channel_account_id, 'outbound',
           case when d.components is not null then 'template' else 'text' end::public.message_kind, 'staff', b.created_by,
           d.text, nullif(d.preview, d.text),
           jsonb_build_object('broadcast', jsonb_build_object('id', b.id, 'name', b.name))
             || case when d.components is not null then jsonb_build_object('template', jsonb_build_object(
                  'id', template.id, 'name', template.name, 'language', template.language,
                  'category', template.category, 'components', d.components)) else '{}' end,
           'broadcast:' || d.id, 'pending'
    from due d where d.message_id is null
    on conflict (workspace_id, client_message_id) do nothing
    returning id, substr(client_message_id, 11)::bigint as rid
  ), chosen as (
    select c.rid, c.id from created c
    union all
    select d.id, d.message_id from due d where d.message_id is not null
  ), marked as (
    update public.broadcast_recipients r set status = 'sending', message_id = c.id, attempts = r.attempts + 1,
                                             updated_at = now()
    from chosen c where r.id = c.rid
    returning r.id, r.message_id
  )
  select m.id, m.message_id from marked m;
end
$$;
revoke execute on function app.queue_broadcast_messages(uuid, jsonb) from public;
grant execute on function app.queue_broadcast_messages(uuid, jsonb) to service_role;

-- A recipient Meta refused for now (a rate limit, a blip): queued again after `delay`, its message kept pending (never
-- sent), to go with the same id when it is claimed again.
create function app.requeue_broadcast_recipients(message_ids uuid[], delay interval) returns void
language sql security definer set search_path = ''
as $$
  update public.broadcast_recipients set status = 'queued', next_attempt_at = now() + delay, updated_at = now()
  where message_id = any (message_ids) and status = 'sending'
$$;
revoke execute on function app.requeue_broadcast_recipients(uuid[], interval) from public;
grant execute on function app.requeue_broadcast_recipients(uuid[], interval) to service_role;

-- A broadcast's sends Meta left unanswered for the confirmation delay: settled as any reply is (failed, "may have been
-- delivered") unless a status with our reference settled them first. The broadcast's own job does this, instead of a
-- confirm-send job per message: at 80 a second per number those would crowd the queue the sending runs in.
create function app.settle_broadcast_sends(target uuid) returns integer
language sql security definer set search_path = ''
as $$
  select count(*)::integer from (
    select app.settle_unconfirmed_send(r.message_id) as outcome from public.broadcast_recipients r
    where r.broadcast_id = target and r.status = 'sending' and r.updated_at < now() - app.send_confirmation_delay()
  ) settled where outcome = 'failed'
$$;
revoke execute on function app.settle_broadcast_sends(uuid) from public;
grant execute on function app.settle_broadcast_sends(uuid) to service_role;

-- Replies get a confirm-send job each; a broadcast's messages are settled by the broadcast (above).
create or replace function app.enqueue_send_confirmations() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  texts uuid[] := array(select m.id from new_messages m
                        where m.sender = 'staff' and m.status = 'pending' and m.attachments = '[]'::jsonb
                          and coalesce(m.client_message_id, '') not like 'broadcast:%');
  files uuid[] := array(select m.id from new_messages m
                        where m.sender = 'staff' and m.status = 'pending' and m.attachments <> '[]'::jsonb);
begin
  if cardinality(texts) > 0 then
    perform app.schedule_send_confirmations(texts);
  end if;
  if cardinality(files) > 0 then
    perform app.schedule_media_sends(files);
  end if;
  return null;
end
$$;

-- A broadcast that cannot go on (its channel's token is dead): paused with the reason until it is resumed.
create function app.pause_broadcast_for(target uuid, reason text) returns void
language sql security definer set search_path = ''
as $$
  update public.broadcasts set status = 'paused', paused_reason = reason, updated_at = now()
  where id = target and status = 'sending'
$$;
revoke execute on function app.pause_broadcast_for(uuid, text) from public;
grant execute on function app.pause_broadcast_for(uuid, text) to service_role;

-- The broadcast's job again at `at`: the worker's next slice (one job per broadcast: its key).
create function app.continue_broadcast(target uuid, at timestamptz) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  perform graphile_worker.add_job('send-broadcast', json_build_object('broadcastId', b.id, 'workspaceId', b.workspace_id),
                                  run_at := at, max_attempts := 25, job_key := 'send-broadcast:' || b.id)
  from public.broadcasts b where b.id = target and b.status = 'sending';
end
$$;
revoke execute on function app.continue_broadcast(uuid, timestamptz) from public;
grant execute on function app.continue_broadcast(uuid, timestamptz) to service_role;

-- Done when no recipient is queued or being sent; the worker asks after each pass.
create function app.finish_broadcast_if_sent(target uuid) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  state text;
begin
  update public.broadcasts b set status = 'done', finished_at = now(), updated_at = now()
  where b.id = target and b.status = 'sending'
    and not exists (select 1 from public.broadcast_recipients r
                    where r.broadcast_id = target and r.status in ('queued', 'sending'));
  select b.status into state from public.broadcasts b where b.id = target;
  return state;
end
$$;
revoke execute on function app.finish_broadcast_if_sent(uuid) from public;
grant execute on function app.finish_broadcast_if_sent(uuid) to service_role;

-- The broadcast moved: its page fetches its counts again (the worker calls this at most once a second).
create function app.announce_broadcast(target uuid) returns void
language sql security definer set search_path = ''
as $$
  select realtime.send(jsonb_build_object('id', b.id, 'status', b.status), 'broadcast_progress', 'workspace:' || b.workspace_id,
                       true)
  from public.broadcasts b where b.id = target
$$;
revoke execute on function app.announce_broadcast(uuid) from public;
grant execute on function app.announce_broadcast(uuid) to service_role;

-- ── a recipient follows its message ──
-- Forward only: sending → sent → delivered → read (→ replied, below); failed only while it was being sent.
create function app.follow_broadcast_message() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  update public.broadcast_recipients r set
    status = new.status::text,
    reason = case when new.status <> 'failed' then null
                  when (new.error ->> 'mayHaveBeenDelivered')::boolean then 'unconfirmed'
                  else coalesce(new.error ->> 'providerCode', new.error ->> 'code', 'failed') end,
    detail = case when new.status = 'failed' then new.error ->> 'message' end,
    sent_at = case when new.status in ('sent', 'delivered', 'read') then coalesce(r.sent_at, now()) else r.sent_at end,
    delivered_at = case when new.status in ('delivered', 'read') then coalesce(r.delivered_at, now()) else r.delivered_at end,
    read_at = case when new.status = 'read' then coalesce(r.read_at, now()) else r.read_at end,
    updated_at = now()
  where r.message_id = new.id
    and case new.status
          when 'failed' then r.status = 'sending'
          when 'sent' then r.status = 'sending'
          when 'delivered' then r.status in ('sending', 'sent')
          when 'read' then r.status in ('sending', 'sent', 'delivered')
          else false
        end;
  return null;
end
$$;
create trigger messages_follow_broadcast after update of status on public.messages
  for each row when (old.status is distinct from new.status and new.client_message_id like 'broadcast:%')
  execute function app.follow_broadcast_message();

-- A recipient waiting to be sent again (queued) has a pending message Meta never took: not one to settle as
-- "may have been delivered".
create or replace function app.settle_unconfirmed_send(message uuid) returns text
language sql security definer set search_path = ''
as $$
  with settled as (
    update public.messages m
    set status = 'failed', failed_at = now(),
        error = case
          when m.attachments <> '[]'::jsonb and m.send_started_at is null then jsonb_build_object(
            'code', 'PROVIDER_ERROR', 'retryable', true, 'providerCode', null,
            'message', 'The file could not be sent. Try again.')
          else jsonb_build_object(
            'code', 'PROVIDER_ERROR', 'retryable', true, 'mayHaveBeenDelivered', true, 'providerCode', null,
            'message', 'Meta did not confirm this reply. It may have been delivered: check before sending it again.')
        end
    where m.id = message and m.status = 'pending' and m.direction = 'outbound'
      and not exists (select 1 from public.broadcast_recipients r where r.message_id = m.id and r.status = 'queued')
    returning m.id
  )
  select case when exists (select 1 from settled) then 'failed' else 'settled' end
$$;

-- ── what members write back: replies, and consent keywords ──
create function app.note_member_replies() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  changed record;
begin
  -- A member who writes within a week of a broadcast replied to it.
  update public.broadcast_recipients r set status = 'replied', replied_at = now(), updated_at = now()
  from (select distinct n.conversation_id from new_messages n where n.direction = 'inbound') n
  where r.conversation_id = n.conversation_id and r.status in ('sent', 'delivered', 'read')
    and r.sent_at > now() - interval '7 days';

  -- STOP and START: the contact's consent changes, is audited and on its timeline, and the member is told.
  for changed in
    with said as (
      select n.id as message_id, n.workspace_id, n.conversation_id, c.contact_id,
             case when app.consent_keyword(n.text) = any (array(select app.consent_keyword(k) from unnest(w.opt_out_keywords) k))
                  then 'opted_out'
                  when app.consent_keyword(n.text) = any (array(select app.consent_keyword(k) from unnest(w.opt_in_keywords) k))
                  then 'opted_in' end as change
      from new_messages n
      join public.conversations c on c.id = n.conversation_id
      join public.workspaces w on w.id = n.workspace_id
      where n.direction = 'inbound' and n.kind = 'text' and char_length(n.text) <= 40
    ), applied as (
      update public.contacts ct
      set marketing_opted_out_at = case when s.change = 'opted_out' then now() end, updated_at = now()
      from said s
      where ct.id = s.contact_id and s.change is not null
        and (ct.marketing_opted_out_at is null) = (s.change = 'opted_out')
      returning ct.id, s.change, s.message_id, s.workspace_id, s.conversation_id
    )
    select * from applied
  loop
    insert into public.contact_events (workspace_id, contact_id, kind, detail)
    values (changed.workspace_id, changed.id, changed.change, jsonb_build_object('messageId', changed.message_id));
    insert into public.audit_logs (workspace_id, actor_user_id, entity, entity_id, action, metadata)
    values (changed.workspace_id, null, 'contact', changed.id, 'contact.' || changed.change,
            jsonb_build_object('by', 'member', 'messageId', changed.message_id));
    perform graphile_worker.add_job('confirm-consent',
                                    json_build_object('messageId', changed.message_id, 'workspaceId', changed.workspace_id,
                                                      'change', changed.change),
                                    max_attempts := 5, job_key := 'confirm-consent:' || changed.message_id);
  end loop;
  return null;
end
$$;
create trigger messages_note_member_replies after insert on public.messages
  referencing new table as new_messages
  for each statement execute function app.note_member_replies();

-- The member's confirmation, by the bot, in the conversation they wrote in (inside their window: they just wrote).
create function app.queue_bot_reply(conversation uuid, client_message text, reply text, details jsonb,
                                    out message_id uuid, out created boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  c record;
begin
  select cv.id, cv.workspace_id, cv.channel_account_id into c from public.conversations cv where cv.id = conversation;
  insert into public.messages (workspace_id, conversation_id, channel_account_id, direction, kind, sender, text, metadata,
                               client_message_id, status)
  values (c.workspace_id, c.id, c.channel_account_id, 'outbound', 'text', 'bot', reply, details, client_message, 'pending')
  on conflict (workspace_id, client_message_id) do nothing
  returning id into message_id;
  created := message_id is not null;
  if not created then
    select m.id into message_id from public.messages m
    where m.workspace_id = c.workspace_id and m.client_message_id = client_message;
    return;
  end if;
  perform app.schedule_send_confirmations(array[message_id]);
  update public.conversations set last_message_at = greatest(last_message_at, now()), last_message_preview = reply,
                                  updated_at = now()
  where id = c.id;
end
$$;
revoke execute on function app.queue_bot_reply(uuid, text, text, jsonb) from public;
grant execute on function app.queue_bot_reply(uuid, text, text, jsonb) to service_role;
