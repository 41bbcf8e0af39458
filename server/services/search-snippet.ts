/** How much of a matching message the search result shows before and after the match, in UTF-16 units. */
const BEFORE = 40;
const AFTER = 80;

const escapeRegExp = (term: string) => term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The part of a message around the first case-insensitive occurrence of `term`, on one line, with "…" where it
 * was cut (never inside a surrogate pair). The whole text, on one line, when the term does not occur in it.
 */
export function snippetAround(text: string, term: string): string {
  const found = new RegExp(escapeRegExp(term), "iu").exec(text);
  const at = found?.index ?? 0;
  let start = Math.max(0, at - BEFORE);
  let end = Math.min(text.length, at + (found?.[0].length ?? 0) + AFTER);
  if (isLowSurrogate(text.charCodeAt(start))) start -= 1;
  if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end += 1;
  const line = (part: string) => part.replace(/\s+/g, " ");
  return `${start > 0 ? "…" : ""}${line(text.slice(start, end)).trim()}${end < text.length ? "…" : ""}`;
}

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;
