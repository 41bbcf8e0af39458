import type { UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import { type Contact, type ContactSummary, loadContact, summaryColumns, summaryJoins, summarySets } from "./contact-shape";
import { userTransaction } from "./user-transaction";

export interface DuplicateSuggestion {
  contact: ContactSummary;
  /** What they share. */
  reason: "phone" | "email";
}

/** Where the merged contact takes the duplicate's value instead of the kept one's (the kept one's wins otherwise). */
export interface MergeChoices {
  displayName?: "kept" | "duplicate";
  phone?: "kept" | "duplicate";
  email?: "kept" | "duplicate";
  stage?: "kept" | "duplicate";
  /** By field id. */
  fields?: Record<string, "kept" | "duplicate">;
}

/** Other contacts of the workspace with this one's phone number or email: likely the same person. */
export function findDuplicates(claims: UserClaims, contactId: string, log: Logger): Promise<Result<DuplicateSuggestion[]>> {
  return userTransaction(claims, log, "contacts.duplicates", async (tx) => {
    const [visible] = await tx`select 1 from public.contacts where id = ${contactId}`;
    if (!visible) return fail("NOT_FOUND", "Contact not found.");
    const rows = await tx<(ContactSummary & { reason: "phone" | "email" })[]>`
      with duplicates as materialized (select * from app.duplicate_contacts(${contactId})),
           ${summarySets(tx, tx`(select contact_id as id from duplicates)`)}
      select ${summaryColumns(tx)}, d.reason
      from duplicates d join public.contacts ct on ct.id = d.contact_id ${summaryJoins(tx)}`;
    return ok(rows.map(({ reason, ...contact }) => ({ contact, reason })));
  });
}

/**
 * One person across channels: the duplicate's identities, conversations, tags and timeline move to the kept contact
 * and the duplicate is deleted (app.merge_contacts: managers and admins; safe while either contact's members write).
 */
export function mergeContacts(
  claims: UserClaims,
  input: { keptId: string; duplicateId: string; choices: MergeChoices },
  log: Logger,
): Promise<Result<Contact>> {
  if (input.keptId === input.duplicateId) {
    const message = "Choose another contact to merge with.";
    return Promise.resolve(fail("VALIDATION", message, { details: { fieldErrors: { duplicateId: [message] } } }));
  }
  return userTransaction(claims, log, "contacts.merge", async (tx) => {
    const [row] = await tx<{ outcome: string }[]>`
      select app.merge_contacts(${input.keptId}, ${input.duplicateId}, ${tx.json({ ...input.choices })}) as outcome`;
    if (row?.outcome === "forbidden") return fail("FORBIDDEN", "Only managers and admins can merge contacts.");
    const contact = row?.outcome === "changed" ? await loadContact(tx, input.keptId) : null;
    return contact ? ok(contact) : fail("NOT_FOUND", "One of these contacts no longer exists (perhaps merged already).");
  });
}
