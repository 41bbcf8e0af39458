-- Bulk data for `npm run bench:inbox`, run as the database owner. Parameters arrive as settings:
--   bench.workspace (the measured workspace), bench.conversations, bench.messages_per_conversation,
--   bench.other_workspaces, bench.other_conversations.
-- Names, phones and message words are drawn so searches match realistic fractions of rows.

create temporary table bench_words (words text[]);
insert into bench_words values (array[
  'hi','hello','thanks','class','spin','yoga','pilates','hiit','tomorrow','tonight','morning','evening','booking','book',
  'cancel','reschedule','trainer','coach','session','membership','price','discount','student','family','locker','towel',
  'parking','shower','sauna','pool','open','closed','holiday','hours','weekend','monday','friday','card','payment','invoice',
  'refund','late','early','waitlist','spot','full','available','please','sorry','great','awesome','see','you','there','ok',
  'sure','when','what','where','how','can','could','would','is','the','a','my','for','to','at','on','in','with','still'
]);

create temporary table bench_names (first text[], last text[]);
insert into bench_names values (
  array['Sheena','Alex','Jordan','Taylor','Morgan','Casey','Riley','Jamie','Avery','Quinn','Dana','Sam','Chris','Pat','Robin',
        'Maria','Ahmed','Yuki','Lena','Omar','Priya','Lucas','Emma','Noah','Olivia','Liam','Mia','Ethan','Zoe','Mateo'],
  array['Nelson','Garcia','Smith','Johnson','Brown','Davis','Miller','Wilson','Moore','Clark','Lewis','Walker','Hall','Young',
        'King','Wright','Lopez','Hill','Scott','Green','Adams','Baker','Nguyen','Patel','Kim','Silva','Rossi','Muller','Sato','Novak']
);

-- One bench run measures one workspace; the others exist so every index and policy sees other tenants.
create temporary table bench_targets as
select current_setting('bench.workspace')::uuid as workspace_id, current_setting('bench.conversations')::int as conversations
union all
select w.id, current_setting('bench.other_conversations')::int
from public.workspaces w where w.id <> current_setting('bench.workspace')::uuid;

insert into public.channel_accounts (workspace_id, provider, provider_account_id, display_name)
select t.workspace_id, p.provider, p.provider::text || '-' || t.workspace_id::text, initcap(p.provider::text) || ' account'
from bench_targets t cross join unnest(enum_range(null::public.channel_provider)) as p(provider);

create temporary table bench_contacts as
select gen_random_uuid() as contact_id, gen_random_uuid() as identity_id, gen_random_uuid() as conversation_id,
       t.workspace_id, g as n,
       (select id from public.channel_accounts ca where ca.workspace_id = t.workspace_id
        order by ca.provider offset (g % 3) limit 1) as channel_account_id,
       now() - (random() * interval '90 days') as last_message_at
from bench_targets t cross join lateral generate_series(1, t.conversations) as g;

insert into public.contacts (id, workspace_id, display_name, phone, created_at)
select c.contact_id, c.workspace_id,
       n.first[1 + (c.n * 7) % 30] || ' ' || n.last[1 + (c.n * 13 / 7) % 30],
       case when c.n % 3 = 2 then '+1650555' || lpad((c.n % 10000)::text, 4, '0') end,
       c.last_message_at - interval '90 days'
from bench_contacts c cross join bench_names n;

insert into public.contact_identities (id, workspace_id, contact_id, channel_account_id, provider_user_id, handle)
select c.identity_id, c.workspace_id, c.contact_id, c.channel_account_id, 'psid-' || c.n,
       case when c.n % 3 = 1 then 'member_' || c.n end
from bench_contacts c;

-- Loaded in bulk: each contact's latest message is set once below, not bumped by a trigger row by row.
alter table public.conversations disable trigger conversations_bump_contact;
insert into public.conversations (id, workspace_id, channel_account_id, contact_id, contact_identity_id, status, archived_at,
                                  assignee_id, unread_count, last_message_at, last_inbound_at, last_message_preview)
select c.conversation_id, c.workspace_id, c.channel_account_id, c.contact_id, c.identity_id,
       (array['open','open','open','open','open','open','open','pending','pending','resolved'])[1 + c.n % 10]::public.conversation_status,
       case when c.n % 10 = 9 then c.last_message_at end,
       (select m.user_id from public.memberships m where m.workspace_id = c.workspace_id
        order by m.user_id offset (c.n % 5) limit 1),
       case when c.n % 7 = 0 then 1 + c.n % 4 else 0 end,
       c.last_message_at, c.last_message_at, 'See you at the 6am spin class'
from bench_contacts c;

insert into public.messages (workspace_id, conversation_id, channel_account_id, direction, sender, text, provider_message_id, status, created_at)
select c.workspace_id, c.conversation_id, c.channel_account_id,
       case when m % 2 = 0 then 'inbound' else 'outbound' end::public.message_direction,
       case when m % 2 = 0 then 'member' else 'staff' end::public.message_sender,
       case
         when (c.n * 31 + m) % 500 = 0 then 'Can I freeze my membership for March?'
         when (c.n * 17 + m) % 700 = 0 then 'I have a knee injury, can the coach adapt my plan?'
         else (select string_agg(w.words[1 + floor(random() * array_length(w.words, 1))::int], ' ')
               from bench_words w, generate_series(1, 4 + (c.n + m) % 6))
       end,
       'm_' || c.conversation_id || '_' || m,
       'delivered',
       c.last_message_at - (m * interval '7 minutes')
from bench_contacts c cross join generate_series(0, current_setting('bench.messages_per_conversation')::int - 1) as m;

alter table public.conversations enable trigger conversations_bump_contact;
update public.contacts ct set last_message_at = c.last_message_at from bench_contacts c where ct.id = c.contact_id;

-- The CRM of the big workspace (issue #23): 20 tags, a contact wearing up to three, 80% of contacts in a stage, and a
-- plan field on half of them. Other workspaces keep their contacts bare.
insert into public.tags (workspace_id, name, colour)
select current_setting('bench.workspace')::uuid, 'tag ' || g, (array['slate','red','amber','green','teal','blue','indigo','pink'])[1 + g % 8]
from generate_series(1, 20) g;

insert into public.contact_tags (workspace_id, contact_id, tag_id)
select c.workspace_id, c.contact_id, t.id
from bench_contacts c
join lateral (select id from public.tags where workspace_id = c.workspace_id order by name offset (c.n % 20) limit 1 + c.n % 3) t on true
where c.workspace_id = current_setting('bench.workspace')::uuid;

insert into public.contact_fields (workspace_id, key, label, type, options, position)
values (current_setting('bench.workspace')::uuid, 'plan', 'Plan', 'select', '{Gold,Silver,Bronze}', 1);

update public.contacts ct set
  email = case when c.n % 4 = 0 then lower(replace(ct.display_name, ' ', '.')) || c.n || '@example.test' end,
  stage_id = case when c.n % 5 <> 0 then (select s.id from public.pipeline_stages s where s.workspace_id = ct.workspace_id
                                          order by s.position offset (c.n % 4) limit 1) end,
  custom_fields = case when c.n % 2 = 0
                       then jsonb_build_object((select f.id::text from public.contact_fields f where f.workspace_id = ct.workspace_id),
                                               (array['Gold','Silver','Bronze'])[1 + c.n % 3])
                       else '{}' end
from bench_contacts c
where ct.id = c.contact_id and c.workspace_id = current_setting('bench.workspace')::uuid;
