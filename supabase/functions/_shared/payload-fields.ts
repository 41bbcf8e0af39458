/** Reading Meta's JSON defensively: a field of the wrong type reads as absent, never as a crash. */
export type Json = Record<string, unknown>;
export const obj = (value: unknown): Json => (value && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {});
export const arr = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
export const str = (value: unknown): string | null =>
  typeof value === "string" && value !== "" ? value : typeof value === "number" ? String(value) : null;
export const num = (value: unknown): number | null =>
  typeof value === "number" ? value : typeof value === "string" && value !== "" ? Number(value) : null;
/** A link the inbox may show or load: https only (a member's payload could carry `javascript:` or plain http). */
export const httpsUrl = (value: unknown): string | null => {
  const text = str(value);
  if (!text) return null;
  try {
    return new URL(text).protocol === "https:" ? text : null;
  } catch {
    return null;
  }
};
