import type { CountryCode } from "libphonenumber-js";
import { type FieldValue, fieldValueProblem } from "../../supabase/functions/_shared/contact-taxonomy";
import type { ContactField } from "./contact-fields";
import { CONTACT_LIMITS, e164 } from "./contacts";

/** Where a CSV column goes: a contact's detail, its tags (separated by ; or ,), its stage by name, or a custom field. */
export type ImportTarget = "name" | "phone" | "email" | "notes" | "tags" | "stage" | `field:${string}`;

export interface ImportContext {
  /** Column header → target; columns not named are ignored. */
  mapping: Record<string, ImportTarget>;
  fields: ContactField[];
  /** The workspace's stages, by lower-case name. */
  stages: Map<string, string>;
  /** For numbers written without their country code. */
  defaultCountry: CountryCode | null;
  matchOn: "phone" | "email";
}

/** A row as app.import_contact_rows takes it: normalized values, or the problems that refuse it. */
export interface ImportRow {
  /** Its row in the spreadsheet (the header is row 1). */
  n: number;
  problems?: string[];
  name?: string;
  phone?: string;
  email?: string;
  notes?: string;
  tags?: string[];
  stage?: string;
  fields?: Record<string, FieldValue>;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const YES = new Set(["yes", "y", "true", "1", "x"]);
const NO = new Set(["no", "n", "false", "0", ""]);

/** A field's value as written in a spreadsheet, in the field's type (or the text itself, which then fails its check). */
function fieldValueFrom(field: ContactField, text: string): FieldValue {
  switch (field.type) {
    case "number": {
      const number = Number(text.replace(/,/g, ""));
      return text !== "" && Number.isFinite(number) ? number : text;
    }
    case "checkbox":
      return YES.has(text.toLowerCase()) ? true : NO.has(text.toLowerCase()) ? false : text;
    case "select":
      return field.options.find((option) => option.toLowerCase() === text.toLowerCase()) ?? text;
    default:
      return text;
  }
}

/** One CSV record checked and normalized against the mapping; every problem is named with its column. */
export function checkImportRow(record: Record<string, string | undefined>, n: number, context: ImportContext): ImportRow {
  const row: ImportRow = { n };
  const problems: string[] = [];
  // In the file's column order, so problems read as the row does.
  for (const [column, cell] of Object.entries(record)) {
    const target = context.mapping[column];
    const text = (cell ?? "").trim();
    if (!target || !text) continue;
    if (target === "name") {
      if (text.length > CONTACT_LIMITS.name) problems.push(`${column}: a name is at most ${CONTACT_LIMITS.name} characters.`);
      else row.name = text;
    } else if (target === "phone") {
      const phone = e164(text, context.defaultCountry ?? undefined);
      if (phone) row.phone = phone;
      else
        problems.push(
          `${column}: “${text.slice(0, 40)}” is not a phone number${context.defaultCountry ? "" : " (add its country code)"}.`,
        );
    } else if (target === "email") {
      if (EMAIL.test(text) && text.length <= CONTACT_LIMITS.email) row.email = text.toLowerCase();
      else problems.push(`${column}: “${text.slice(0, 40)}” is not an email address.`);
    } else if (target === "notes") {
      row.notes = text.slice(0, CONTACT_LIMITS.notes);
    } else if (target === "tags") {
      const tags = [
        ...new Set(
          text
            .split(/[;,]/)
            .map((tag) => tag.trim())
            .filter(Boolean),
        ),
      ];
      const long = tags.find((tag) => tag.length > 40);
      if (long) problems.push(`${column}: the tag “${long.slice(0, 40)}…” is longer than 40 characters.`);
      else row.tags = [...(row.tags ?? []), ...tags];
    } else if (target === "stage") {
      const stage = context.stages.get(text.toLowerCase());
      if (stage) row.stage = stage;
      else problems.push(`${column}: there is no stage “${text.slice(0, 40)}”.`);
    } else {
      const field = context.fields.find((f) => `field:${f.id}` === target);
      if (!field) continue;
      const value = fieldValueFrom(field, text);
      const problem = fieldValueProblem(field, value);
      if (problem) problems.push(`${column}: ${problem}`);
      else row.fields = { ...row.fields, [field.id]: value };
    }
  }
  if (problems.length === 0 && !row[context.matchOn]) {
    problems.push(`No ${context.matchOn} to match the contact on.`);
  }
  return problems.length > 0 ? { n, problems } : row;
}

/** What a header most likely holds, for the mapping step's first guess. */
export function guessTarget(header: string, fields: ContactField[]): ImportTarget | null {
  const text = header.trim().toLowerCase();
  if (/^(full )?name$|^contact$|^member$/.test(text)) return "name";
  if (/phone|mobile|whatsapp|cell|tel/.test(text)) return "phone";
  if (/e-?mail/.test(text)) return "email";
  if (/^notes?$/.test(text)) return "notes";
  if (/^tags?$|^labels?$/.test(text)) return "tags";
  if (/^(stage|status|pipeline)$/.test(text)) return "stage";
  const field = fields.find((f) => f.label.toLowerCase() === text || f.key === text);
  return field ? `field:${field.id}` : null;
}
