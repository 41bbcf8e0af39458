-- Search: a page of conversations whose contact name, phone digits or handle, or (when asked) message text,
-- matches, chosen in one call (ADR 015). Looking up every match and ordering them costs thousands of probes for
-- a broad term (a common first name matches 3% of the inbox) to show 31 rows; so message matches come from the
-- trigram index, and names from a walk of the inbox in its own order (a broad name fills the page within the
-- first rows), or by index when the walk ends without a full page or messages filled it already.

-- How many conversations the walk reads before it falls back to the indexes.
create function app.search_walk_rows() returns integer language sql immutable as $$ select 1500 $$;

-- One conversation a search found, with its place in the inbox's order.
create type app.search_hit as (id uuid, last_message_at timestamptz);

-- Security definer because ILIKE is not leakproof: under RLS Postgres may not use it as an index condition and
-- would filter every row of the workspace. Tenancy is enforced here instead: nothing unless the caller is a member.
create function app.search_conversation_page(
  target_workspace uuid, pattern text, include_messages boolean, digits_pattern text,
  archived text, status public.conversation_status, channel uuid, assignee_kind text, assignee uuid,
  unread_only boolean, after_at timestamptz, after_id uuid, page_size integer
) returns setof app.search_hit
language plpgsql stable security definer set search_path = ''
as $$
declare
  -- The list's filters and cursor, as SQL on public.conversations c (every value quoted by format's %L).
  eligible text := format('c.workspace_id = %L', target_workspace)
    || case when status is not null then format(' and c.status = %L', status) else '' end
    || case when channel is not null then format(' and c.channel_account_id = %L', channel) else '' end
    || case assignee_kind when 'unassigned' then ' and c.assignee_id is null'
                          when 'user' then format(' and c.assignee_id = %L', assignee) else '' end
    || case when unread_only then ' and c.unread_count > 0' else '' end
    || case when after_at is not null
            then format(' and (c.last_message_at, c.id) < (%L::timestamptz, %L::uuid)', after_at, after_id) else '' end;
  -- The archive filter on its own: the walk reads the inbox and the archive each by its own ordered index.
  inbox_part text := case when archived in ('no', 'any') then ' and c.archived_at is null' end;
  archive_part text := case when archived in ('yes', 'any') then ' and c.archived_at is not null' end;
  archived_filter text := case archived when 'no' then ' and c.archived_at is null'
                                        when 'yes' then ' and c.archived_at is not null' else '' end;
  walk_rows integer := app.search_walk_rows();
  walk_order text := format('order by c.last_message_at desc, c.id desc limit %s', walk_rows);
  walked integer;
  hits app.search_hit[] := '{}';
  more app.search_hit[];
  bound_at timestamptz;
  bound_id uuid;
begin
  if not (target_workspace = any (array(select app.member_workspace_ids()))) then
    return;
  end if;

  -- Messages first, from the trigram index.
  if include_messages then
    execute format($messages$
      select coalesce(array_agg((c.id, c.last_message_at)::app.search_hit), '{}') from public.conversations c
      where c.id = any (array(
          select m.conversation_id from public.messages m
          where m.workspace_id = %1$L and m.text ilike %2$L and m.deleted_at is null))
        and %3$s%4$s$messages$, target_workspace, pattern, eligible, archived_filter)
    into hits;
    -- A full page of message matches bounds the walk: a name match older than the page's last cannot be on it.
    select h.last_message_at, h.id into bound_at, bound_id from unnest(hits) h
    order by h.last_message_at desc, h.id desc offset page_size - 1 limit 1;
  end if;

  -- Names, handles and phones. With a page of message matches already, the names are looked up by index (a term
  -- that fills a page from messages rarely matches many names); otherwise the inbox is walked in its order, up to
  -- walk_rows conversations, each checked by key: a broad name fills the page within the first rows.
  if bound_at is null then
    execute format($walk$
      with walk as materialized (
        select c.* from (
          (select c.id, c.last_message_at, c.contact_id, c.contact_identity_id from public.conversations c
           where %1$s %3$s %2$s)
          union all
          (select c.id, c.last_message_at, c.contact_id, c.contact_identity_id from public.conversations c
           where %1$s %4$s %2$s)
        ) c
        %2$s
      )
      select (select count(*)::integer from walk),
             coalesce((select array_agg((w.id, w.last_message_at)::app.search_hit) from walk w
                       cross join lateral (select ct.display_name, ct.phone_digits from public.contacts ct
                                           where ct.id = w.contact_id limit 1) ct
                       cross join lateral (select ci.handle from public.contact_identities ci
                                           where ci.id = w.contact_identity_id limit 1) ci
                       where ct.display_name ilike %5$L or ci.handle ilike %5$L or ct.phone_digits like %6$L), '{}')$walk$,
      eligible, walk_order, coalesce(inbox_part, ' and false'), coalesce(archive_part, ' and false'), pattern, digits_pattern)
    into walked, more;
    hits := hits || more;
  end if;

  if bound_at is not null or (walked = walk_rows and cardinality(more) < page_size) then
    -- By index: after a page of message matches, or when the walk stopped at its limit with less than a page of
    -- name matches (some may lie beyond it; the term is rare, so they are few).
    execute format($names$
      select coalesce(array_agg((c.id, c.last_message_at)::app.search_hit), '{}') from public.conversations c
      where c.id = any (array(
          select x.id from public.conversations x where x.contact_id = any (array(
            select ct.id from public.contacts ct where ct.workspace_id = %1$L and ct.display_name ilike %2$L
            union
            select ct.id from public.contacts ct where ct.workspace_id = %1$L and ct.phone_digits like %3$L))
          union
          select x.id from public.conversations x where x.contact_identity_id = any (array(
            select ci.id from public.contact_identities ci where ci.workspace_id = %1$L and ci.handle ilike %2$L))))
        and %4$s%5$s$names$, target_workspace, pattern, digits_pattern, eligible, archived_filter)
    into more;
    hits := hits || more;
  end if;

  return query
    select distinct on (h.last_message_at, h.id) h.id, h.last_message_at from unnest(hits) h
    order by h.last_message_at desc, h.id desc
    limit page_size;
end
$$;
revoke execute on function app.search_walk_rows() from public;
revoke execute on function app.search_conversation_page(uuid, text, boolean, text, text, public.conversation_status, uuid, text,
  uuid, boolean, timestamptz, uuid, integer) from public;
grant execute on function app.search_conversation_page(uuid, text, boolean, text, text, public.conversation_status, uuid, text,
  uuid, boolean, timestamptz, uuid, integer) to authenticated, service_role;

