/**
 * A broadcast's message for one recipient: its texts (a template's slot values, or the Messenger/Instagram body) use
 * `{{contact.…}}` and `{{gym.name}}` variables, and a variable the contact has no value for becomes the broadcast's
 * fallback for it. Defined once for the worker (which sends it), the server (which refuses a broadcast a recipient
 * could get a blank from) and the editor's preview for a sample recipient.
 */
import { fillVariables } from "./reply-variables";
import { renderedText, sendComponents, type TemplateComponent, valueProblem } from "./whatsapp-templates";

/** What a recipient's variables are made of. `fields` by custom field key. */
export interface RecipientFacts {
  displayName: string | null;
  phone: string | null;
  email: string | null;
  fields: Record<string, string | number | boolean>;
  gymName: string;
}

/** The variables a broadcast text may use besides a custom field's `contact.<key>`. */
export const BROADCAST_VARIABLES = {
  "contact.first_name": "the member's first name",
  "contact.name": "the member's full name",
  "contact.phone": "the member's phone",
  "contact.email": "the member's email",
  "gym.name": "the gym's name",
} as const;

const PLACEHOLDER = /\{\{\s*([a-z0-9_.]+)\s*\}\}/g;

/** The variables a text uses, each once. */
export const variablesIn = (text: string): string[] => [
  ...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1] ?? "")),
];

/** The variables of a text that are neither broadcast variables nor one of these custom fields. */
export function unknownBroadcastVariables(text: string, fieldKeys: readonly string[]): string[] {
  return variablesIn(text).filter((name) => !(name in BROADCAST_VARIABLES) && !fieldKeys.includes(name.slice(8)));
}

function valuesOf(facts: RecipientFacts): Record<string, string | null> {
  const name = facts.displayName?.trim() || null;
  const fields = Object.fromEntries(Object.entries(facts.fields).map(([key, value]) => [`contact.${key}`, String(value)]));
  return {
    ...fields,
    "contact.first_name": name?.split(/\s+/)[0] ?? null,
    "contact.name": name,
    "contact.phone": facts.phone,
    "contact.email": facts.email,
    "gym.name": facts.gymName,
  };
}

/** The text with the recipient's values, a fallback where they have none; `missing` lists those with neither. */
export function personalize(text: string, facts: RecipientFacts, fallbacks: Record<string, string>) {
  const values = valuesOf(facts);
  for (const [name, fallback] of Object.entries(fallbacks)) if (!values[name]?.trim()) values[name] = fallback;
  return fillVariables(text, values);
}

export type RecipientMessage = { ok: true; text: string; components: unknown[] | null } | { ok: false; problem: string };

/**
 * What one recipient is sent: a template's components with every slot filled (and the text the thread shows), or the
 * body's text. A value that would still be blank, or that WhatsApp refuses, is a problem instead: never sent.
 */
export function recipientMessage(
  message: { template: TemplateComponent[]; values: Record<string, string> } | { body: string },
  facts: RecipientFacts,
  fallbacks: Record<string, string>,
): RecipientMessage {
  if ("body" in message) {
    const { text, missing } = personalize(message.body, facts, fallbacks);
    if (missing.length > 0) return { ok: false, problem: `No value for ${missing.join(", ")}` };
    return { ok: true, text, components: null };
  }
  const values: Record<string, string> = {};
  for (const [slot, text] of Object.entries(message.values)) {
    const filled = personalize(text, facts, fallbacks);
    const problem = filled.missing.length > 0 ? `No value for ${filled.missing.join(", ")}` : valueProblem(filled.text);
    if (problem) return { ok: false, problem };
    values[slot] = filled.text;
  }
  return { ok: true, text: renderedText(message.template, values), components: sendComponents(message.template, values) };
}
