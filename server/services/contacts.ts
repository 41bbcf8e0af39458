import type { ChannelProvider } from "../../supabase/functions/_shared/channel-providers";
import type { Tx, UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import { userTransaction } from "./user-transaction";

export interface ContactIdentity {
  id: string;
  providerUserId: string;
  handle: string | null;
  profileName: string | null;
  channel: { id: string; provider: ChannelProvider; displayName: string };
}

export interface Contact {
  id: string;
  workspaceId: string;
  displayName: string | null;
  avatarUrl: string | null;
  phone: string | null;
  email: string | null;
  notes: string;
  tags: string[];
  identities: ContactIdentity[];
  createdAt: Date;
  updatedAt: Date;
}

/** What a contact holds at most (the table's checks say the same): the UI counts against these. */
export const CONTACT_LIMITS = { notes: 10_000, tags: 50, tagLength: 40 } as const;

export interface ContactChanges {
  displayName?: string | null;
  notes?: string;
  tags?: string[];
}

interface ContactRow {
  id: string;
  workspace_id: string;
  display_name: string | null;
  avatar_url: string | null;
  phone: string | null;
  email: string | null;
  notes: string;
  tags: string[];
  created_at: Date;
  updated_at: Date;
  identities: ContactIdentity[];
}

async function loadContact(tx: Tx, contactId: string): Promise<Contact | null> {
  const [row] = await tx<ContactRow[]>`
      select ct.id, ct.workspace_id, ct.display_name, ct.avatar_url, ct.phone, ct.email, ct.notes, ct.tags,
             ct.created_at, ct.updated_at,
             coalesce((
               select jsonb_agg(jsonb_build_object(
                        'id', ci.id, 'providerUserId', ci.provider_user_id, 'handle', ci.handle, 'profileName', ci.profile_name,
                        'channel', jsonb_build_object('id', ca.id, 'provider', ca.provider, 'displayName', ca.display_name))
                      order by ci.created_at)
               from public.contact_identities ci
               join public.channel_accounts ca on ca.id = ci.channel_account_id
               where ci.contact_id = ct.id
             ), '[]') as identities
      from public.contacts ct where ct.id = ${contactId}`;
  return row
    ? {
        id: row.id,
        workspaceId: row.workspace_id,
        displayName: row.display_name,
        avatarUrl: row.avatar_url,
        phone: row.phone,
        email: row.email,
        notes: row.notes,
        tags: row.tags,
        identities: row.identities,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
      }
    : null;
}

const contactNotFound = () => fail("NOT_FOUND", "Contact not found.");

export function getContact(claims: UserClaims, contactId: string, log: Logger): Promise<Result<Contact>> {
  return userTransaction(claims, log, "contacts.get", async (tx) => {
    const contact = await loadContact(tx, contactId);
    return contact ? ok(contact) : contactNotFound();
  });
}

/** Tags compare case-insensitively and keep their first spelling. */
function normalizeTags(tags: string[]): string[] {
  const seen = new Map<string, string>();
  for (const tag of tags.map((t) => t.trim()).filter(Boolean)) if (!seen.has(tag.toLowerCase())) seen.set(tag.toLowerCase(), tag);
  return [...seen.values()];
}

export function updateContact(
  claims: UserClaims,
  contactId: string,
  changes: ContactChanges,
  log: Logger,
): Promise<Result<Contact>> {
  return userTransaction(claims, log, "contacts.update", async (tx) => {
    const fields: Record<string, string | string[] | null> = {};
    if (changes.displayName !== undefined) fields.displayName = changes.displayName?.trim() || null;
    if (changes.notes !== undefined) fields.notes = changes.notes;
    if (changes.tags !== undefined) fields.tags = normalizeTags(changes.tags);
    // app.update_contact checks the caller is on the contact's team, writes and audits (field names only).
    const [row] = await tx<{ outcome: "changed" | "not_found" | "invalid" }[]>`
      select app.update_contact(${contactId}, ${tx.json(fields)}) as outcome`;
    if (row?.outcome === "invalid") {
      const message = `A tag can be at most ${CONTACT_LIMITS.tagLength} characters.`;
      return fail("VALIDATION", message, { details: { fieldErrors: { tags: [message] } } });
    }
    if (row?.outcome !== "changed") return contactNotFound();
    const contact = await loadContact(tx, contactId);
    return contact ? ok(contact) : contactNotFound();
  });
}
