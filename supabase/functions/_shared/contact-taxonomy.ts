/**
 * How a gym describes its members (issue #23): tag colours, custom field types and what each type accepts. Defined
 * once: Postgres holds the same lists (app.tag_colours(), app.field_value_valid(); dev/postgres/sql-shapes.test.ts
 * compares them), the server turns a refused value into the message below, and the contact card checks as you type.
 */
export const TAG_COLOURS = ["slate", "red", "amber", "green", "teal", "blue", "indigo", "pink"] as const;
export type TagColour = (typeof TAG_COLOURS)[number];

export const FIELD_TYPES = {
  text: "Text",
  number: "Number",
  date: "Date",
  select: "Choice",
  checkbox: "Yes / no",
} as const;
export type FieldType = keyof typeof FIELD_TYPES;
export type FieldValue = string | number | boolean;

export const TAXONOMY_LIMITS = { name: 40, fieldLabel: 60, textValue: 500, options: 50, stages: 20, fields: 50 } as const;

/** What is wrong with a value for a field of this type, in words, or null when it is fine (null clears a field). */
export function fieldValueProblem(
  field: { type: FieldType; label: string; options: readonly string[] },
  value: FieldValue | null,
): string | null {
  if (value === null) return null;
  switch (field.type) {
    case "text":
      return typeof value === "string" && value.length >= 1 && value.length <= TAXONOMY_LIMITS.textValue
        ? null
        : `${field.label} takes text of at most ${TAXONOMY_LIMITS.textValue} characters.`;
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? null : `${field.label} takes a number.`;
    case "date":
      return typeof value === "string" && isCalendarDate(value) ? null : `${field.label} takes a date (YYYY-MM-DD).`;
    case "select":
      return typeof value === "string" && field.options.includes(value)
        ? null
        : `${field.label} takes one of: ${field.options.join(", ")}.`;
    case "checkbox":
      return typeof value === "boolean" ? null : `${field.label} takes yes or no.`;
  }
}

function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return date.toISOString().slice(0, 10) === text;
}

/** A field's value as staff read it. */
export function fieldValueText(type: FieldType, value: FieldValue | undefined): string {
  if (value === undefined) return "";
  if (type === "checkbox") return value ? "Yes" : "No";
  return String(value);
}
