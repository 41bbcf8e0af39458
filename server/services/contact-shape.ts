import type { ChannelProvider } from "../../supabase/functions/_shared/channel-providers";
import type { FieldValue, TagColour } from "../../supabase/functions/_shared/contact-taxonomy";
import type { Tx } from "../db/client";

/** A tag as a contact wears it. */
export interface ContactTag {
  id: string;
  name: string;
  colour: TagColour;
}

/** A contact as a row of the contacts page or a card on the board. */
export interface ContactSummary {
  id: string;
  displayName: string | null;
  avatarUrl: string | null;
  phone: string | null;
  email: string | null;
  tags: ContactTag[];
  stage: { id: string; name: string } | null;
  providers: ChannelProvider[];
  /** Null when the contact has never written or been written to (imported). */
  lastMessageAt: Date | null;
  createdAt: Date;
}

export interface ContactIdentity {
  id: string;
  providerUserId: string;
  handle: string | null;
  profileName: string | null;
  channel: { id: string; provider: ChannelProvider; displayName: string };
}

/** A contact in full, for its card and its page. */
export interface Contact extends ContactSummary {
  workspaceId: string;
  notes: string;
  customFields: Record<string, FieldValue>;
  identities: ContactIdentity[];
  updatedAt: Date;
}

/** What the summary is made of, for contacts `ct`; every query for contacts selects this. */
export const summaryColumns = (tx: Tx) => tx`
  ct.id, ct.display_name as "displayName", ct.avatar_url as "avatarUrl", ct.phone, ct.email,
  coalesce((select jsonb_agg(jsonb_build_object('id', t.id, 'name', t.name, 'colour', t.colour) order by lower(t.name))
            from public.contact_tags ctg join public.tags t on t.id = ctg.tag_id
            where ctg.contact_id = ct.id), '[]') as tags,
  (select jsonb_build_object('id', s.id, 'name', s.name) from public.pipeline_stages s where s.id = ct.stage_id) as stage,
  array(select distinct ca.provider::text from public.contact_identities ci
        join public.channel_accounts ca on ca.id = ci.channel_account_id
        where ci.contact_id = ct.id order by 1) as providers,
  nullif(ct.last_message_at, '-infinity') as "lastMessageAt", ct.created_at as "createdAt"`;

/** The rest of a full contact. */
export const detailColumns = (tx: Tx) => tx`
  ct.workspace_id as "workspaceId", ct.notes, ct.custom_fields as "customFields", ct.updated_at as "updatedAt",
  coalesce((
    select jsonb_agg(jsonb_build_object(
             'id', ci.id, 'providerUserId', ci.provider_user_id, 'handle', ci.handle, 'profileName', ci.profile_name,
             'channel', jsonb_build_object('id', ca.id, 'provider', ca.provider, 'displayName', ca.display_name))
           order by ci.created_at)
    from public.contact_identities ci
    join public.channel_accounts ca on ca.id = ci.channel_account_id
    where ci.contact_id = ct.id
  ), '[]') as identities`;

export async function loadContact(tx: Tx, contactId: string): Promise<Contact | null> {
  const [row] = await tx<Contact[]>`
    select ${summaryColumns(tx)}, ${detailColumns(tx)} from public.contacts ct where ct.id = ${contactId}`;
  return row ?? null;
}
