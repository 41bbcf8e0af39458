-- Every broadcast through realtime.send(), Supabase's supported way in (ADR 019), instead of rows written into
-- realtime.messages by hand: a change Supabase makes to that table is then theirs to keep working. realtime.send
-- swallows its own failures (a warning), so a broadcast is still never why a change is not stored; whether
-- broadcasts arrive is now checked end to end (Settings → Health sends one and waits for it), which also sees a
-- Realtime that stores them but does not deliver (a plan's quota). The list stays batched: one send per workspace
-- per statement, up to 100 conversations each; a thread gets one send per changed message.
create or replace function app.send_conversation_events(changed public.conversations[]) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  perform realtime.send(jsonb_build_object('conversations', to_jsonb(batch.items)), 'conversations',
                        'workspace:' || batch.workspace_id, true)
  from (
    select c.workspace_id, array_agg(c.event order by c.last_message_at) as items
    from (
      select x.workspace_id, x.last_message_at, app.conversation_event(x) as event,
             (row_number() over (partition by x.workspace_id order by x.id) - 1) / 100 as chunk
      from unnest(changed) x
    ) c
    group by c.workspace_id, c.chunk
  ) batch;
end;
$$;

create or replace function app.broadcast_messages() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform realtime.send(app.message_event(n), 'message', 'conversation:' || n.conversation_id, true)
    from new_rows n;
  else
    perform realtime.send(changed.event, 'message', 'conversation:' || changed.conversation_id, true)
    from (
      select n.conversation_id, app.message_event(n) as event, app.message_event(o) as previous
      from new_rows n join old_rows o on o.id = n.id
    ) changed
    where changed.event is distinct from changed.previous;
  end if;
  return null;
end;
$$;

-- What the hand-written inserts' exception handlers noted; realtime.send never raises, so nothing would.
drop function app.broadcast_health(uuid);
drop function app.note_broadcast_failure(text);
drop table app.broadcast_failures;

-- Settings → Health's test broadcast: the server sends it on the admin's own workspace topic and waits for it over
-- Realtime with the admin's token (server/services/live-updates-probe.ts). Open inboxes ignore the event.
create function app.send_live_updates_probe(target uuid, probe uuid) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  perform realtime.send(jsonb_build_object('probe', probe), 'probe', 'workspace:' || target, true);
end;
$$;
revoke execute on function app.send_live_updates_probe(uuid, uuid) from public;
grant execute on function app.send_live_updates_probe(uuid, uuid) to service_role;
