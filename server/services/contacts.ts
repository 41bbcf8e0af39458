import { type CountryCode, parsePhoneNumberWithError } from "libphonenumber-js";
import type { UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, fieldFailure, ok, type Result } from "../lib/result";
import { type Contact, loadContact } from "./contact-shape";
import { userTransaction } from "./user-transaction";

export type { Contact, ContactIdentity, ContactSummary, ContactTag } from "./contact-shape";

/** What a contact holds at most (app.update_contact checks the same): the UI counts against these. */
export const CONTACT_LIMITS = { notes: 10_000, name: 200, email: 254 } as const;

export interface ContactChanges {
  displayName?: string | null;
  notes?: string;
  /** As staff typed it, in international form (stored E.164); blank clears it. */
  phone?: string;
  /** Blank clears it. */
  email?: string;
}

const contactNotFound = () => fail("NOT_FOUND", "Contact not found.");

export function getContact(claims: UserClaims, contactId: string, log: Logger): Promise<Result<Contact>> {
  return userTransaction(claims, log, "contacts.get", async (tx) => {
    const contact = await loadContact(tx, contactId);
    return contact ? ok(contact) : contactNotFound();
  });
}

/**
 * The number in E.164 (+447700900123), or null when it is not a possible phone number: in international form, or
 * national for `country` (an import's default).
 */
export function e164(text: string, country?: CountryCode): string | null {
  try {
    const parsed = parsePhoneNumberWithError(text.trim(), country);
    return parsed.isPossible() ? parsed.number : null;
  } catch {
    return null;
  }
}

export const PHONE_PROBLEM = "Write the number with its country code, such as +44 7700 900123.";

export function updateContact(
  claims: UserClaims,
  contactId: string,
  changes: ContactChanges,
  log: Logger,
): Promise<Result<Contact>> {
  const fields: Record<string, string | null> = {};
  if (changes.displayName !== undefined) fields.displayName = changes.displayName?.trim() || null;
  if (changes.notes !== undefined) fields.notes = changes.notes;
  if (changes.phone !== undefined) {
    const phone = changes.phone.trim() ? e164(changes.phone) : null;
    if (changes.phone.trim() && !phone) return Promise.resolve(fieldFailure("phone", PHONE_PROBLEM));
    fields.phone = phone;
  }
  if (changes.email !== undefined) fields.email = changes.email.trim().toLowerCase() || null;
  return userTransaction(claims, log, "contacts.update", async (tx) => {
    // app.update_contact checks the caller is on the contact's team, writes and audits (field names only).
    const [row] = await tx<{ outcome: "changed" | "not_found" | "invalid" }[]>`
      select app.update_contact(${contactId}, ${tx.json(fields)}) as outcome`;
    if (row?.outcome === "invalid") return fieldFailure("email", "This is not an email address.");
    if (row?.outcome !== "changed") return contactNotFound();
    const contact = await loadContact(tx, contactId);
    return contact ? ok(contact) : contactNotFound();
  });
}
