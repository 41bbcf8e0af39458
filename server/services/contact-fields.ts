import { type FieldType, type FieldValue, fieldValueProblem } from "../../supabase/functions/_shared/contact-taxonomy";
import type { Tx, UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, fieldFailure, ok, type Result } from "../lib/result";
import { type Contact, loadContact } from "./contact-shape";
import { userTransaction } from "./user-transaction";
import { membershipIn } from "./workspace-membership";

export interface ContactField {
  id: string;
  /** What `{{contact.<key>}}` names. */
  key: string;
  label: string;
  type: FieldType;
  options: string[];
}

const forbidden = () => fail("FORBIDDEN", "Only managers and admins can change the workspace's fields.");
const fieldNotFound = () => fail("NOT_FOUND", "This field no longer exists.");

/** A workspace's custom fields in their order, as every reader of them takes them. */
export function fieldsOf(tx: Tx, workspaceId: string): Promise<ContactField[]> {
  return tx<ContactField[]>`
    select f.id, f.key, f.label, f.type, f.options from public.contact_fields f where f.workspace_id = ${workspaceId}
    order by f.position, f.created_at`.then((rows) => [...rows]);
}

/** The workspace's custom fields in order, for everyone on the team; `canEdit` for managers and admins. */
export function listContactFields(
  claims: UserClaims,
  workspaceId: string,
  log: Logger,
): Promise<Result<{ fields: ContactField[]; canEdit: boolean }>> {
  return userTransaction(claims, log, "contact_fields.list", async (tx) => {
    const membership = await membershipIn(tx, workspaceId);
    if (!membership) return fail("NOT_FOUND", "Workspace not found.");
    return ok({ fields: await fieldsOf(tx, workspaceId), canEdit: membership.role !== "agent" });
  });
}

/** Creates (no id) or edits a field's key, label and options; its type is fixed once made (managers and admins). */
export function saveContactField(
  claims: UserClaims,
  input: { workspaceId: string; id?: string; key: string; label: string; type: FieldType; options: string[] },
  log: Logger,
): Promise<Result<{ id: string }>> {
  return userTransaction(claims, log, "contact_fields.save", async (tx) => {
    const [row] = await tx<{ outcome: string; fieldId: string | null }[]>`
      select outcome, field_id as "fieldId"
      from app.save_contact_field(${input.workspaceId}, ${input.id ?? null}, ${input.key}, ${input.label}, ${input.type},
                                  ${input.options}::text[])`;
    switch (row?.outcome) {
      case "changed":
        return ok({ id: row.fieldId ?? "" });
      case "taken":
        return fieldFailure("key", `Another field already uses {{contact.${input.key}}}.`);
      case "invalid":
        return input.id
          ? fieldFailure("type", "A field's type cannot change once it has been made.")
          : fieldFailure("key", "A workspace has at most 50 fields.");
      case "forbidden":
        return forbidden();
      default:
        return fieldNotFound();
    }
  });
}

export function deleteContactField(claims: UserClaims, id: string, log: Logger): Promise<Result<{ deleted: true }>> {
  return userTransaction(claims, log, "contact_fields.delete", async (tx) => {
    const [row] = await tx<{ outcome: string }[]>`select app.delete_contact_field(${id}) as outcome`;
    if (row?.outcome === "changed") return ok({ deleted: true as const });
    if (row?.outcome === "forbidden") return forbidden();
    return fieldNotFound();
  });
}

/** Sets some of a contact's field values (null clears one), each checked against its field's type. */
export function setContactFieldValues(
  claims: UserClaims,
  input: { contactId: string; values: Record<string, FieldValue | null> },
  log: Logger,
): Promise<Result<Contact>> {
  return userTransaction(claims, log, "contacts.set_fields", async (tx) => {
    const [visible] = await tx<{ workspaceId: string }[]>`
      select workspace_id as "workspaceId" from public.contacts where id = ${input.contactId}`;
    if (!visible) return fail("NOT_FOUND", "Contact not found.");
    const fields = await fieldsOf(tx, visible.workspaceId);
    const fieldErrors: Record<string, string[]> = {};
    for (const [id, value] of Object.entries(input.values)) {
      const field = fields.find((f) => f.id === id);
      const problem = field ? fieldValueProblem(field, value) : "This field no longer exists. Reload the contact.";
      if (problem) fieldErrors[id] = [problem];
    }
    const first = Object.values(fieldErrors)[0]?.[0];
    if (first) return fail("VALIDATION", first, { details: { fieldErrors } });
    const [row] = await tx<
      { outcome: string }[]
    >`select outcome from app.set_contact_fields(${input.contactId}, ${tx.json(input.values)})`;
    if (row?.outcome === "invalid") return fail("VALIDATION", "A value does not fit its field. Reload the contact.");
    const contact = row?.outcome === "changed" ? await loadContact(tx, input.contactId) : null;
    return contact ? ok(contact) : fail("NOT_FOUND", "Contact not found.");
  });
}
