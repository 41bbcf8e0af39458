-- Who else has a conversation open, and who is typing (issue #21, ADR 026): Realtime presence and clients' own
-- broadcasts on `team:conversation:<id>`, a topic of its own, so nothing a browser sends can pass for Frontdesk's
-- events on `conversation:<id>` (which stay receive-only). Members of the conversation's workspace may join it,
-- track their presence there and broadcast there; nobody else.
create or replace function app.may_receive_topic(topic text) returns boolean
language sql stable security definer set search_path = ''
as $$
  select case
    when topic ~ '^workspace:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
      substr(topic, 11)::uuid = any (array(select app.member_workspace_ids()))
    when topic ~ '^(team:)?conversation:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
      exists (
        select 1 from public.conversations c
        where c.id = right(topic, 36)::uuid and c.workspace_id = any (array(select app.member_workspace_ids()))
      )
    else false
  end
$$;

create policy frontdesk_members_receive_presence on realtime.messages
  for select to authenticated
  using (extension = 'presence' and app.may_receive_topic((select realtime.topic())));

create policy frontdesk_members_signal_to_their_team on realtime.messages
  for insert to authenticated
  with check (extension in ('broadcast', 'presence')
              and (select realtime.topic()) like 'team:conversation:%'
              and app.may_receive_topic((select realtime.topic())));
