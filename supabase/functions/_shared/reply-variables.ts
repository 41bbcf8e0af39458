/**
 * The variables a saved reply may use, filled in the composer from the conversation and the person sending it. Defined
 * once: the server refuses a saved reply naming any other, the composer fills these and flags the ones with no value.
 */
export const REPLY_VARIABLES = {
  "contact.first_name": "the member's first name",
  "contact.name": "the member's full name",
  "agent.name": "your name",
  "agent.first_name": "your first name",
  "gym.name": "the gym's name",
} as const;

export type ReplyVariable = keyof typeof REPLY_VARIABLES;

const PLACEHOLDER = /\{\{\s*([a-z_.]+)\s*\}\}/g;

/** A workspace's custom field as a variable: `{{contact.<key>}}` (issue #23). */
export const fieldVariable = (key: string) => `contact.${key}`;

/** The `{{…}}` names in a text that are neither reply variables nor one of these custom fields' keys. */
export function unknownVariables(text: string, fieldKeys: readonly string[] = []): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ""))].filter(
    (name) => !(name in REPLY_VARIABLES) && !fieldKeys.some((key) => fieldVariable(key) === name),
  );
}

/** The text with every variable that has a value filled in; those without stay as `{{name}}` and are listed. */
export function fillVariables(text: string, values: Partial<Record<ReplyVariable | `contact.${string}`, string | null>>) {
  const missing = new Set<string>();
  const filled = text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = values[name as ReplyVariable]?.trim();
    if (value) return value;
    missing.add(name);
    return whole;
  });
  return { text: filled, missing: [...missing] };
}

/** Variables still unfilled in a text about to be sent (so none goes out as `{{…}}` or as a blank), custom fields too. */
export const unfilledVariables = (text: string): string[] =>
  [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ""))].filter(
    (name) => name in REPLY_VARIABLES || name.startsWith("contact."),
  );
