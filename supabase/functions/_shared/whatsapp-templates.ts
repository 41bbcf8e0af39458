/**
 * WhatsApp message templates as Meta's `message_templates` lists them, and what a send of one needs: the variables to
 * fill (positional `{{1}}` or named `{{first_name}}`, in the header, the body and URL buttons), the text the member
 * reads once they are filled, and the `components` of the `type: template` send. Defined once for the server (which
 * refuses a send with missing or extra values before calling Meta), the composer's form and its live preview.
 */
export interface TemplateButton {
  type: string;
  text: string;
  url?: string;
  phone_number?: string;
}

export interface TemplateComponent {
  type: string;
  /** HEADER: TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION. */
  format?: string;
  text?: string;
  buttons?: TemplateButton[];
  /** Meta's sample values, given when the template was created. */
  example?: {
    header_text?: string[];
    body_text?: string[][];
    header_text_named_params?: { param_name: string; example: string }[];
    body_text_named_params?: { param_name: string; example: string }[];
  };
}

/** One value to fill: where it goes, its name there (`1` or `first_name`), and Meta's sample for it. */
export interface TemplateSlot {
  /** `header.1`, `body.first_name`, `button.0`: the key of its value in a send. */
  key: string;
  component: "header" | "body" | "button";
  name: string;
  /** The URL button's position among the buttons. */
  buttonIndex?: number;
  label: string;
  example: string | null;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** The distinct placeholders of a text: positional ones in number order, named ones as they appear. */
function placeholders(text: string | undefined): string[] {
  const names = [...new Set([...(text ?? "").matchAll(PLACEHOLDER)].map((match) => match[1] ?? ""))];
  return names.every((name) => /^\d+$/.test(name)) ? names.sort((a, b) => Number(a) - Number(b)) : names;
}

const part = (components: TemplateComponent[], type: string) => components.find((c) => c.type.toUpperCase() === type);

/** Header media a send must carry (IMAGE, VIDEO, DOCUMENT, LOCATION), or null for none or a text header. */
export function headerMediaFormat(components: TemplateComponent[]): string | null {
  const format = part(components, "HEADER")?.format?.toUpperCase();
  return format && format !== "TEXT" ? format : null;
}

/** Every value a send of this template needs, in the order the form asks for them. */
export function templateSlots(components: TemplateComponent[]): TemplateSlot[] {
  const header = part(components, "HEADER");
  const body = part(components, "BODY");
  const slots: TemplateSlot[] = [];
  const textHeader = !header?.format || header.format.toUpperCase() === "TEXT";
  const headerExamples = header?.example?.header_text ?? header?.example?.header_text_named_params?.map((p) => p.example);
  for (const [i, name] of placeholders(textHeader ? header?.text : undefined).entries()) {
    slots.push({
      key: `header.${name}`,
      component: "header",
      name,
      label: `Header {{${name}}}`,
      example: headerExamples?.[i] ?? null,
    });
  }
  const namedExamples = new Map(body?.example?.body_text_named_params?.map((p) => [p.param_name, p.example]));
  for (const [i, name] of placeholders(body?.text).entries()) {
    const example = namedExamples.get(name) ?? body?.example?.body_text?.[0]?.[i] ?? null;
    slots.push({ key: `body.${name}`, component: "body", name, label: `{{${name}}}`, example });
  }
  for (const [index, button] of (part(components, "BUTTONS")?.buttons ?? []).entries()) {
    const name = button.type.toUpperCase() === "URL" ? placeholders(button.url)[0] : undefined;
    if (name) {
      const label = `“${button.text}” link ending`;
      slots.push({ key: `button.${index}`, component: "button", name, buttonIndex: index, label, example: null });
    }
  }
  return slots;
}

/**
 * What WhatsApp refuses in a value (error 132018): line breaks, tabs, more than four spaces in a row; and an empty one
 * would be sent as a blank. Null when the value may go.
 */
export function valueProblem(value: string | undefined): string | null {
  if (!value?.trim()) return "Fill this in: WhatsApp sends no template with a blank.";
  if (/[\n\r\t]/.test(value)) return "WhatsApp takes no line breaks or tabs in a template value.";
  if (/ {5,}/.test(value)) return "WhatsApp takes at most four spaces in a row in a template value.";
  if (value.length > 1024) return "A template value can be at most 1,024 characters.";
  return null;
}

/** Every problem with these values for this template, by slot key (a value for no slot is one too). */
export function templateValueProblems(components: TemplateComponent[], values: Record<string, string>): Record<string, string> {
  const slots = templateSlots(components);
  const problems: Record<string, string> = {};
  for (const slot of slots) {
    const problem = valueProblem(values[slot.key]);
    if (problem) problems[slot.key] = problem;
  }
  for (const key of Object.keys(values)) {
    if (!slots.some((slot) => slot.key === key)) problems[key] = "This template has no such variable.";
  }
  return problems;
}

const fill = (text: string | undefined, component: string, values: Record<string, string>) =>
  (text ?? "").replace(PLACEHOLDER, (whole, name: string) => values[`${component}.${name}`]?.trim() || whole);

/** The template as the member reads it: header, body and footer, with the values filled in (unfilled ones stay). */
export function renderTemplate(components: TemplateComponent[], values: Record<string, string>) {
  const header = part(components, "HEADER");
  const buttons = part(components, "BUTTONS")?.buttons ?? [];
  return {
    header: header && !headerMediaFormat(components) ? fill(header.text, "header", values) : null,
    headerMedia: headerMediaFormat(components),
    body: fill(part(components, "BODY")?.text, "body", values),
    footer: part(components, "FOOTER")?.text ?? null,
    buttons: buttons.map((button) => button.text),
  };
}

/** The rendered template as one text: what the thread shows for the send. */
export function renderedText(components: TemplateComponent[], values: Record<string, string>): string {
  const rendered = renderTemplate(components, values);
  return [rendered.header, rendered.body, rendered.footer].filter(Boolean).join("\n\n");
}

/** The `components` of a `type: template` send, as Meta expects them (named parameters carry their names). */
export function sendComponents(components: TemplateComponent[], values: Record<string, string>): unknown[] {
  const slots = templateSlots(components);
  const parameter = (slot: TemplateSlot) => ({
    type: "text",
    ...(/^\d+$/.test(slot.name) ? {} : { parameter_name: slot.name }),
    text: values[slot.key]?.trim() ?? "",
  });
  const sent: unknown[] = [];
  for (const component of ["header", "body"] as const) {
    const own = slots.filter((slot) => slot.component === component);
    if (own.length > 0) sent.push({ type: component, parameters: own.map(parameter) });
  }
  for (const slot of slots.filter((s) => s.component === "button")) {
    sent.push({
      type: "button",
      sub_type: "url",
      index: String(slot.buttonIndex),
      parameters: [{ type: "text", text: values[slot.key]?.trim() ?? "" }],
    });
  }
  return sent;
}

/** A template's own sample values (Meta's examples), for previews where no one has filled it in. */
export function exampleValues(components: TemplateComponent[]): Record<string, string> {
  return Object.fromEntries(templateSlots(components).flatMap((slot) => (slot.example ? [[slot.key, slot.example]] : [])));
}
