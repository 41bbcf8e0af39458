-- Demo data for a fresh local database (`npm start` runs this only when no workspace exists).
-- Password: the `frontdesk.demo_password` setting when set (DEMO_PASSWORD), else frontdesk-demo.

insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  confirmation_token, recovery_token, email_change_token_new, email_change,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at
)
select
  '00000000-0000-0000-0000-000000000000', u.id, 'authenticated', 'authenticated', u.email,
  extensions.crypt(
    coalesce(nullif(current_setting('frontdesk.demo_password', true), ''), 'frontdesk-demo'),
    extensions.gen_salt('bf')
  ),
  now(), '', '', '', '',
  '{"provider":"email","providers":["email"]}', jsonb_build_object('full_name', u.full_name), now(), now()
from (values
  ('0d3b0a6e-0000-4000-8000-000000000001'::uuid, 'admin@irontemple.test', 'Alex Rivera'),
  ('0d3b0a6e-0000-4000-8000-000000000002'::uuid, 'coach@irontemple.test', 'Casey Morgan'),
  ('0d3b0a6e-0000-4000-8000-000000000003'::uuid, 'admin@harboryoga.test', 'Hana Sato')
) as u (id, email, full_name)
on conflict (id) do nothing;

insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
select u.id::text, u.id, jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', true), 'email', now(), now()
from auth.users u
where u.id in (
  '0d3b0a6e-0000-4000-8000-000000000001', '0d3b0a6e-0000-4000-8000-000000000002', '0d3b0a6e-0000-4000-8000-000000000003'
)
on conflict (provider_id, provider) do nothing;

insert into public.workspaces (id, name) values
  ('5e3d0000-0000-4000-8000-000000000001', 'Iron Temple Gym'),
  ('5e3d0000-0000-4000-8000-000000000002', 'Harbor Yoga Studio')
on conflict (id) do nothing;

insert into public.memberships (workspace_id, user_id, role) values
  ('5e3d0000-0000-4000-8000-000000000001', '0d3b0a6e-0000-4000-8000-000000000001', 'admin'),
  ('5e3d0000-0000-4000-8000-000000000001', '0d3b0a6e-0000-4000-8000-000000000002', 'agent'),
  ('5e3d0000-0000-4000-8000-000000000002', '0d3b0a6e-0000-4000-8000-000000000003', 'admin')
on conflict do nothing;

-- The demo gym's channels (ids match the reference payloads and the Meta simulator's demo members; the WhatsApp
-- number's Business Account is the simulator's demo account, whose templates sync on start). No tokens yet: the local
-- stack seals the simulator's (dev/postgres/prepare.ts); connecting channels for real is done in Settings → Channels.
insert into public.channel_accounts (workspace_id, provider, provider_account_id, display_name, display_handle, waba_id) values
  ('5e3d0000-0000-4000-8000-000000000001', 'messenger', '105550000000001', 'Iron Temple Gym', null, null),
  ('5e3d0000-0000-4000-8000-000000000001', 'instagram', '17841400000000001', 'Iron Temple Gym', '@irontemplegym', null),
  ('5e3d0000-0000-4000-8000-000000000001', 'whatsapp', '106540352242922', 'Iron Temple Front Desk', '+1 555 078 3881',
   '102290129340401'),
  ('5e3d0000-0000-4000-8000-000000000002', 'messenger', '105550000000002', 'Harbor Yoga Studio', null, null)
on conflict do nothing;
