import type { ContactField, ContactListFilters } from "../api/types";

type Provider = NonNullable<ContactListFilters["provider"]>;
const PROVIDERS: readonly string[] = ["messenger", "instagram", "whatsapp"];
const SORTS: readonly string[] = ["recent", "name", "newest"];

/**
 * The contacts page's filters live in its address (so a filtered list can be shared, reloaded and exported):
 * q, tag, stage, channel, contacted (within:N or over:N days), field + value, sort.
 */
export function filtersFromParams(params: URLSearchParams, fields: readonly ContactField[]): ContactListFilters {
  const filters: ContactListFilters = {};
  const q = params.get("q")?.trim();
  if (q) filters.search = q.slice(0, 100);
  const tag = params.get("tag");
  if (tag) filters.tagId = tag;
  const stage = params.get("stage");
  if (stage) filters.stageId = stage;
  const channel = params.get("channel");
  if (channel && PROVIDERS.includes(channel)) filters.provider = channel as Provider;
  const contacted = /^(within|over):(\d{1,4})$/.exec(params.get("contacted") ?? "");
  if (contacted) filters.lastContact = { within: contacted[1] === "within", days: Math.max(1, Number(contacted[2])) };
  const field = fields.find((f) => f.id === params.get("field"));
  const value = params.get("value");
  const typed = field && value ? typedFieldValue(field, value) : null;
  if (field && typed !== null) filters.field = { fieldId: field.id, value: typed };
  const sort = params.get("sort");
  if (sort && SORTS.includes(sort)) filters.sort = sort as NonNullable<ContactListFilters["sort"]>;
  return filters;
}

/** A field's value as typed in a filter (yes/no for a checkbox), as stored; null when it is not one. */
export function typedFieldValue(field: ContactField, value: string): string | number | boolean | null {
  if (!value) return null;
  if (field.type === "number") return Number.isFinite(Number(value)) ? Number(value) : null;
  return field.type === "checkbox" ? value === "yes" : value;
}

/** The address's params with one filter changed (an empty value removes it). */
export function withParam(params: URLSearchParams, name: string, value: string | null): URLSearchParams {
  const next = new URLSearchParams(params);
  if (value === null || value === "") next.delete(name);
  else next.set(name, value);
  if (name === "field" && !value) next.delete("value");
  return next;
}
