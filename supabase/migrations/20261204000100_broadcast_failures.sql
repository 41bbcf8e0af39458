-- A broadcast that cannot be written stays a warning, never why a change is not stored (…_realtime.sql), but it is
-- no longer silent: each failure is noted with its SQLSTATE (never the message, which may quote a row) and Settings →
-- Health shows how many failed in 24 h. Browsers then fall back to polling, so nothing is lost, only late.
create table app.broadcast_failures (
  id bigint generated always as identity primary key,
  failed_at timestamptz not null default now(),
  sqlstate text not null
);
create index broadcast_failures_failed_at_idx on app.broadcast_failures (failed_at);
alter table app.broadcast_failures enable row level security;
revoke all on app.broadcast_failures from public, anon, authenticated;

-- Called only from the broadcast triggers' exception handlers; keeps a week.
create function app.note_broadcast_failure(state text) returns void
language sql security definer set search_path = ''
as $$
  delete from app.broadcast_failures where failed_at < now() - interval '7 days';
  insert into app.broadcast_failures (sqlstate) values (state);
$$;
revoke execute on function app.note_broadcast_failure(text) from public;

-- For Settings → Health (admins of any workspace: broadcasts fail for every workspace at once, and the figure names
-- no one's data).
create function app.broadcast_health(target_workspace uuid) returns jsonb
language plpgsql stable security definer set search_path = ''
as $$
begin
  if app.member_role(target_workspace) is distinct from 'admin' then
    return null;
  end if;
  return (select jsonb_build_object('failures24h', count(*), 'lastFailedAt', max(f.failed_at),
                                    'lastSqlstate', (array_agg(f.sqlstate order by f.failed_at desc))[1])
          from app.broadcast_failures f where f.failed_at > now() - interval '24 hours');
end
$$;
revoke execute on function app.broadcast_health(uuid) from public;
grant execute on function app.broadcast_health(uuid) to authenticated;

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
  perform app.note_broadcast_failure(sqlstate);
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
  perform app.note_broadcast_failure(sqlstate);
  return null;
end;
$$;
