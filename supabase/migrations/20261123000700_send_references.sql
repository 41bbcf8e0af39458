-- A reply Meta accepted but whose answer we never recorded (the process died, the database blinked)
-- would stay `pending` with no provider id, so its echo and receipts could never find it. Sends now
-- carry our message id — Messenger's `message.metadata`, WhatsApp's `biz_opaque_callback_data` — and
-- Meta returns it in the echo / status webhook. When that webhook is stored, this gives the row its
-- provider id; the receipts ingest just parked for that id are then applied by
-- messages_apply_pending_receipts, in the same transaction.
create function app.attach_send_references() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  begin
    with sent_references as (
      select 'messenger'::public.channel_provider as provider, entry ->> 'id' as account_id,
             item -> 'message' ->> 'mid' as provider_message_id, item -> 'message' ->> 'metadata' as reference
      from jsonb_array_elements(case when new.object = 'page' then coalesce(new.payload -> 'entry', '[]') else '[]' end) entry
      cross join jsonb_array_elements(coalesce(entry -> 'messaging', '[]')) item
      where item -> 'message' ->> 'is_echo' = 'true'
      union all
      select 'whatsapp', change -> 'value' -> 'metadata' ->> 'phone_number_id', status ->> 'id', status ->> 'biz_opaque_callback_data'
      from jsonb_array_elements(
             case when new.object = 'whatsapp_business_account' then coalesce(new.payload -> 'entry', '[]') else '[]' end) entry
      cross join jsonb_array_elements(coalesce(entry -> 'changes', '[]')) change
      cross join jsonb_array_elements(coalesce(change -> 'value' -> 'statuses', '[]')) status
    ), matched as (
      select distinct on (m.id) m.id, r.provider_message_id, ca.id as channel_account_id
      from sent_references r
      join public.channel_accounts ca
        on ca.provider = r.provider and ca.provider_account_id = r.account_id and ca.status <> 'disconnected'
      join public.messages m
        on m.id = case when r.reference ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                       then r.reference::uuid end
       and m.channel_account_id = ca.id and m.direction = 'outbound' and m.provider_message_id is null
      where r.provider_message_id is not null
        and not exists (select 1 from public.messages x
                        where x.channel_account_id = ca.id and x.provider_message_id = r.provider_message_id)
    )
    update public.messages m set provider_message_id = matched.provider_message_id
    from matched where m.id = matched.id;
  exception when others then
    -- Never the reason a webhook is not stored: the row just stays pending, as before.
    raise warning 'attach_send_references: %', sqlerrm;
  end;
  return null;
end;
$$;
revoke execute on function app.attach_send_references() from public;

create trigger webhook_events_attach_send_references
  after insert or update of attempts on public.webhook_events
  for each row execute function app.attach_send_references();
