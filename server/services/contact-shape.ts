import type postgres from "postgres";
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

/**
 * What the summary is made of, for contacts `ct`: with `summarySets` among the query's CTEs and `summaryJoins` after
 * `ct` in its FROM; every query for contacts selects this.
 */
export const summaryColumns = (tx: Tx) => tx`
  ct.id, ct.display_name as "displayName", ct.avatar_url as "avatarUrl", ct.phone, ct.email,
  coalesce(summary_tags.tags, '[]') as tags,
  case when summary_stage.id is not null then jsonb_build_object('id', summary_stage.id, 'name', summary_stage.name) end as stage,
  coalesce(summary_channels.providers, '{}') as providers,
  nullif(ct.last_message_at, '-infinity') as "lastMessageAt", ct.created_at as "createdAt"`;

/**
 * The tags and channels of the contacts `ids` holds (a CTE or subquery with an `id` column: the contacts the query
 * returns), read once for them all instead of by subqueries per row, which were half a page's time. Materialized, so
 * a generic plan that joins them row by row rescans the result instead of aggregating again per row.
 */
export const summarySets = (tx: Tx, ids: postgres.PendingQuery<postgres.Row[]>) => tx`
  summary_tags as materialized (
    select ctg.contact_id,
           jsonb_agg(jsonb_build_object('id', t.id, 'name', t.name, 'colour', t.colour) order by lower(t.name)) as tags
    from ${ids} summary_ids
    join public.contact_tags ctg on ctg.contact_id = summary_ids.id
    join public.tags t on t.id = ctg.tag_id
    group by ctg.contact_id),
  summary_channels as materialized (
    select ci.contact_id, array_agg(distinct ca.provider::text order by ca.provider::text) as providers
    from ${ids} summary_ids
    join public.contact_identities ci on ci.contact_id = summary_ids.id
    join public.channel_accounts ca on ca.id = ci.channel_account_id
    group by ci.contact_id)`;

export const summaryJoins = (tx: Tx) => tx`
  left join summary_tags on summary_tags.contact_id = ct.id
  left join summary_channels on summary_channels.contact_id = ct.id
  left join public.pipeline_stages summary_stage on summary_stage.id = ct.stage_id`;

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
    with ${summarySets(tx, tx`(select ${contactId}::uuid as id)`)}
    select ${summaryColumns(tx)}, ${detailColumns(tx)}
    from public.contacts ct ${summaryJoins(tx)}
    where ct.id = ${contactId}`;
  return row ?? null;
}
