-- Private notes with @mentions, and notifications (issue #21, ADR 025). A note is a message with direction `note`:
-- it sits in the thread and in search, goes out to open threads like any message, and is never queued for Meta,
-- never a reply, never the list's preview. Notifications are rows per person: assigned to you (by someone else),
-- mentioned in a note, a member's new message in a conversation assigned to you (one unread per conversation).

alter table public.messages drop constraint messages_check;
alter table public.messages add constraint messages_staff_write_replies_and_notes
  check ((sender <> 'staff' or direction in ('outbound', 'note')) and (direction <> 'note' or sender = 'staff'));
-- Teammates a note mentions (each a member of the workspace when it was written).
alter table public.messages add column mentioned_user_ids uuid[] not null default '{}';

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
    'mentions', m.mentioned_user_ids, 'createdAt', m.created_at)
$$;

-- ── notifications ──
create table public.notifications (
  id bigint generated always as identity primary key,
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  kind text not null check (kind in ('assigned', 'mentioned', 'new_message')),
  conversation_id uuid not null references public.conversations (id) on delete cascade,
  message_id uuid references public.messages (id) on delete cascade,
  actor_user_id uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  read_at timestamptz
);
create index notifications_user_idx on public.notifications (user_id, created_at desc);
create index notifications_unread_idx on public.notifications (user_id) where read_at is null;
-- A busy member's messages make one unread "new message" per conversation, not one each.
create unique index notifications_one_unread_new_message on public.notifications (user_id, conversation_id)
  where kind = 'new_message' and read_at is null;

alter table public.notifications enable row level security;
create policy notifications_select_own on public.notifications for select to authenticated
  using (user_id = (select auth.uid()) and workspace_id = any (array(select app.member_workspace_ids())));
grant select on public.notifications to authenticated;
grant all on public.notifications to service_role;

create table public.notification_preferences (
  user_id uuid primary key references auth.users (id) on delete cascade,
  assigned boolean not null default true,
  mentioned boolean not null default true,
  new_message boolean not null default true,
  -- What the browser does with a new one: a desktop notification (once allowed), a sound.
  desktop boolean not null default false,
  sound boolean not null default false,
  updated_at timestamptz not null default now()
);
alter table public.notification_preferences enable row level security;
create policy notification_preferences_select_own on public.notification_preferences for select to authenticated
  using (user_id = (select auth.uid()));
grant select on public.notification_preferences to authenticated;
grant all on public.notification_preferences to service_role;

-- Whether `person` wants notifications of `kind` (yes until they say otherwise).
create function app.wants_notification(person uuid, kind text) returns boolean
language sql stable security definer set search_path = ''
as $$
  select coalesce((select case kind when 'assigned' then p.assigned when 'mentioned' then p.mentioned
                                    else p.new_message end
                   from public.notification_preferences p where p.user_id = person), true)
$$;
revoke execute on function app.wants_notification(uuid, text) from public;

-- The caller's own preferences, saved.
create function app.save_notification_preferences(assigned boolean, mentioned boolean, new_message boolean,
                                                   desktop boolean, sound boolean) returns void
language sql security definer set search_path = ''
as $$
  insert into public.notification_preferences (user_id, assigned, mentioned, new_message, desktop, sound)
  values ((select auth.uid()), assigned, mentioned, new_message, desktop, sound)
  on conflict (user_id) do update set assigned = excluded.assigned, mentioned = excluded.mentioned,
    new_message = excluded.new_message, desktop = excluded.desktop, sound = excluded.sound, updated_at = now()
$$;

-- The caller's notifications read: these (or all of them); returns how many changed.
create function app.mark_notifications_read(ids bigint[]) returns integer
language sql security definer set search_path = ''
as $$
  with marked as (
    update public.notifications n set read_at = now()
    where n.user_id = (select auth.uid()) and n.read_at is null and (ids is null or n.id = any (ids))
    returning 1
  ) select count(*)::integer from marked
$$;

-- Assigned by someone else (not oneself, not by the system's unassigning).
create function app.notify_assignment() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if new.assignee_id is distinct from (select auth.uid()) and app.wants_notification(new.assignee_id, 'assigned') then
    insert into public.notifications (workspace_id, user_id, kind, conversation_id, actor_user_id)
    values (new.workspace_id, new.assignee_id, 'assigned', new.id, (select auth.uid()));
  end if;
  return null;
end
$$;
create trigger conversations_notify_assignment after update of assignee_id on public.conversations
  for each row when (new.assignee_id is not null and new.assignee_id is distinct from old.assignee_id)
  execute function app.notify_assignment();

-- A member wrote in a conversation assigned to someone: one unread notification per conversation for them.
create function app.notify_new_messages() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  insert into public.notifications (workspace_id, user_id, kind, conversation_id, message_id)
  select distinct on (c.assignee_id, c.id) c.workspace_id, c.assignee_id, 'new_message', c.id, n.id
  from new_rows n
  join public.conversations c on c.id = n.conversation_id
  where n.direction = 'inbound' and c.assignee_id is not null and app.wants_notification(c.assignee_id, 'new_message')
  order by c.assignee_id, c.id, n.created_at desc
  on conflict (user_id, conversation_id) where kind = 'new_message' and read_at is null do nothing;
  return null;
end
$$;
create trigger messages_notify_new_messages after insert on public.messages
  referencing new table as new_rows for each statement execute function app.notify_new_messages();

-- ── notes ──
-- A note in a conversation the caller can see, mentioning teammates (those not on the team are dropped, and the
-- writer is never notified of their own note). The same client_message id is the same note. Returns its id and
-- whether this call made it.
create function app.add_note(target_conversation uuid, client_message text, note_text text, mentions uuid[],
                             out message_id uuid, out created boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  conversation record;
  mentioned uuid[];
begin
  select c.id, c.workspace_id, c.channel_account_id into conversation
  from public.conversations c
  where c.id = target_conversation and c.workspace_id = any (array(select app.member_workspace_ids()));
  if not found then
    return;
  end if;
  if note_text is null or char_length(btrim(note_text)) = 0 or char_length(note_text) > 4096 then
    raise exception 'a note has 1 to 4096 characters' using errcode = '22023';
  end if;
  mentioned := array(select m.user_id from public.memberships m
                     where m.workspace_id = conversation.workspace_id and m.user_id = any (coalesce(mentions, '{}'))
                       and m.user_id <> (select auth.uid()));

  insert into public.messages (workspace_id, conversation_id, channel_account_id, direction, kind, sender, sender_user_id,
                               text, client_message_id, status, sent_at, mentioned_user_ids)
  values (conversation.workspace_id, conversation.id, conversation.channel_account_id, 'note', 'text', 'staff',
          (select auth.uid()), note_text, client_message, 'sent', now(), mentioned)
  on conflict (workspace_id, client_message_id) do nothing
  returning id into message_id;
  created := message_id is not null;
  if not created then
    select m.id into message_id from public.messages m
    where m.workspace_id = conversation.workspace_id and m.client_message_id = client_message
      and m.conversation_id = conversation.id;
    return;
  end if;

  insert into public.notifications (workspace_id, user_id, kind, conversation_id, message_id, actor_user_id)
  select conversation.workspace_id, person, 'mentioned', conversation.id, message_id, (select auth.uid())
  from unnest(mentioned) person
  where app.wants_notification(person, 'mentioned');
  perform app.audit(conversation.workspace_id, 'conversation', conversation.id, 'note.added',
                    jsonb_build_object('messageId', message_id, 'mentions', cardinality(mentioned)));
end
$$;

revoke execute on function app.save_notification_preferences(boolean, boolean, boolean, boolean, boolean),
  app.mark_notifications_read(bigint[]), app.add_note(uuid, text, text, uuid[]) from public;
grant execute on function app.save_notification_preferences(boolean, boolean, boolean, boolean, boolean),
  app.mark_notifications_read(bigint[]), app.add_note(uuid, text, text, uuid[]) to authenticated, service_role;
revoke execute on function app.notify_assignment(), app.notify_new_messages() from public;
