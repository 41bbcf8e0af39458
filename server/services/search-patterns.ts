/** `%term%` for ILIKE with the user's own % and _ taken literally. */
export function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** A term that looks like a phone number ("+1 415 555 0142", "(415) 555-0142"): its digits, matched anywhere. */
export function phoneDigitsPattern(term: string): string | null {
  if (!/^[+\d\s().-]+$/.test(term)) return null;
  const digits = term.replace(/\D/g, "");
  return digits.length >= 3 ? `%${digits}%` : null;
}
