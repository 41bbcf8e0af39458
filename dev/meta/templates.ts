import { randomUUID } from "node:crypto";

/**
 * WhatsApp message templates in the Meta simulator: each WhatsApp Business Account starts with the gym templates
 * below; `GET /{waba-id}/message_templates` lists them in pages (`limit`, `after`) as Graph does; tests add, remove
 * and review them (`/__templates`), and a review sends the `message_template_status_update` webhook. Template sends
 * are checked as Meta checks them: an unknown or unapproved template, a paused or disabled one, a wrong number of
 * parameters each get Meta's error code. Counted here on their own, not with Frontdesk's code, so a mistake there
 * shows up as Meta's refusal.
 */
export interface SimulatedTemplate {
  id: string;
  name: string;
  language: string;
  category: "UTILITY" | "MARKETING" | "AUTHENTICATION";
  status: string;
  rejected_reason?: string;
  quality_score?: { score: string };
  parameter_format?: "POSITIONAL" | "NAMED";
  components: Record<string, unknown>[];
}

type Reply = (status: number, value: unknown) => void;
type TemplateSeed = Omit<SimulatedTemplate, "id">;

/** What every account starts with: what a gym has in WhatsApp Manager. */
const GYM_TEMPLATES: TemplateSeed[] = [
  {
    name: "follow_up",
    language: "en_US",
    category: "UTILITY",
    status: "APPROVED",
    components: [
      {
        type: "BODY",
        text: "Hi {{1}}, thanks for getting in touch with Iron Temple. Reply to this message and the team will pick it up.",
        example: { body_text: [["Sam"]] },
      },
    ],
  },
  {
    name: "class_reminder",
    language: "en_US",
    category: "UTILITY",
    status: "APPROVED",
    components: [
      {
        type: "BODY",
        text: "Hi {{1}}, a reminder that your {{2}} class is tomorrow at {{3}}. Reply here if you cannot make it.",
        example: { body_text: [["Sam", "Spin", "7:00"]] },
      },
      { type: "FOOTER", text: "Iron Temple" },
    ],
  },
  {
    name: "membership_renewal",
    language: "en_US",
    category: "UTILITY",
    status: "APPROVED",
    parameter_format: "NAMED",
    components: [
      { type: "HEADER", format: "TEXT", text: "Your membership" },
      {
        type: "BODY",
        text: "Hi {{first_name}}, your membership renews on {{renewal_date}}. Renew or change your plan online.",
        example: { body_text_named_params: [{ param_name: "first_name", example: "Sam" }] },
      },
      {
        type: "BUTTONS",
        buttons: [{ type: "URL", text: "Renew now", url: "https://irontemple.example/renew/{{1}}" }],
      },
    ],
  },
  {
    name: "we_miss_you",
    language: "en_US",
    category: "MARKETING",
    status: "APPROVED",
    components: [
      { type: "HEADER", format: "IMAGE" },
      {
        type: "BODY",
        text: "We miss you at {{1}}! Your next class is on us this week.",
        example: { body_text: [["Iron Temple"]] },
      },
    ],
  },
  {
    name: "holiday_hours",
    language: "en_US",
    category: "UTILITY",
    status: "PENDING",
    components: [{ type: "BODY", text: "Our holiday opening hours: {{1}}.", example: { body_text: [["9:00–14:00"]] } }],
  },
  {
    name: "trial_offer",
    language: "es",
    category: "MARKETING",
    status: "REJECTED",
    rejected_reason: "INVALID_FORMAT",
    components: [{ type: "BODY", text: "¡Hola {{1}}! Tu clase de prueba gratis te espera.", example: { body_text: [["Ana"]] } }],
  },
];

let sequence = 0;
/** 15 digits, as Meta's are (the webhook carries it as a JSON number, which must stay exact), unique within a run. */
const newTemplateId = () => String(Date.now()).slice(-10) + String(sequence++ % 100_000).padStart(5, "0");

/** A Graph error for a template send, as Meta words it. */
const templateError = (code: number, message: string) => ({
  error: { message: `(#${code}) ${message}`, type: "OAuthException", code, fbtrace_id: randomUUID().slice(0, 11) },
});

const placeholderCount = (text: unknown) =>
  new Set([...String(text ?? "").matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((m) => m[1])).size;

export function createSimulatedTemplates() {
  const byWaba = new Map<string, SimulatedTemplate[]>();
  const of = (wabaId: string) => {
    let templates = byWaba.get(wabaId);
    if (!templates) {
      templates = GYM_TEMPLATES.map((seed) => ({ ...structuredClone(seed), id: newTemplateId() }));
      byWaba.set(wabaId, templates);
    }
    return templates;
  };

  /** `GET /{waba-id}/message_templates?limit&after`: one page, with `paging.next` while there are more. */
  function list(wabaId: string, query: Record<string, string>, origin: string, reply: Reply) {
    const templates = of(wabaId);
    const limit = Math.min(Math.max(Number(query.limit ?? "25") || 25, 1), 100);
    const start = query.after ? Number(Buffer.from(query.after, "base64url").toString()) : 0;
    const page = templates.slice(start, start + limit);
    const after = Buffer.from(String(start + page.length)).toString("base64url");
    const more = start + page.length < templates.length;
    const next = new URL(`${origin}/v21.0/${wabaId}/message_templates`);
    next.searchParams.set("limit", String(limit));
    next.searchParams.set("after", after);
    reply(200, {
      data: page,
      paging: {
        cursors: { before: Buffer.from(String(start)).toString("base64url"), after },
        ...(more ? { next: next.toString() } : {}),
      },
    });
  }

  /** Meta's answer to a `type: template` send from a number of this account: null when it would send it. */
  function refusal(wabaId: string, template: { name?: string; language?: { code?: string }; components?: unknown[] }) {
    const found = of(wabaId).find((t) => t.name === template.name && t.language === template.language?.code);
    if (!found || !["APPROVED", "PAUSED", "DISABLED"].includes(found.status)) {
      return templateError(132001, "Template name does not exist in the translation");
    }
    if (found.status === "PAUSED") return templateError(132015, "Template is Paused");
    if (found.status === "DISABLED") return templateError(132016, "Template is Disabled");
    const sent = (template.components ?? []) as { type?: string; sub_type?: string; parameters?: unknown[] }[];
    const given = (type: string) =>
      sent.filter((c) => c.type === type).reduce((count, c) => count + (c.parameters?.length ?? 0), 0);
    const component = (type: string) => found.components.find((c) => c.type === type);
    const header = component("HEADER");
    const expectedHeader = header?.format && header.format !== "TEXT" ? 1 : placeholderCount(header?.text);
    const buttons = (component("BUTTONS")?.buttons ?? []) as { type: string; url?: string }[];
    const expectedButtons = buttons.filter((b) => b.type === "URL" && placeholderCount(b.url) > 0).length;
    if (
      given("header") !== expectedHeader ||
      given("body") !== placeholderCount(component("BODY")?.text) ||
      given("button") !== expectedButtons
    ) {
      return templateError(132000, "Number of parameters does not match the expected number of params");
    }
    return null;
  }

  /**
   * `POST /__templates {wabaId, templates: [...], replace?}` adds (or with `replace` sets) an account's templates;
   * `DELETE /__templates {wabaId, name}` removes one; `GET /__templates?wabaId` lists them. A review is
   * `POST /__templates/status {wabaId, name, language, status, reason?}`: it comes back with the webhook Meta would send,
   * for the simulator to deliver. False for a path that is not one of these.
   */
  function control(
    method: string,
    pathname: string,
    query: Record<string, string>,
    body: unknown,
    reply: Reply,
  ): boolean | { webhook: unknown } {
    const request = (body ?? {}) as {
      wabaId?: string;
      templates?: Partial<TemplateSeed>[];
      replace?: boolean;
      name?: string;
      language?: string;
      status?: string;
      reason?: string;
    };
    const wabaId = request.wabaId ?? query.wabaId ?? "";
    if (pathname === "/__templates/status" && method === "POST") {
      const template = of(wabaId).find((t) => t.name === request.name && (!request.language || t.language === request.language));
      if (!template || !request.status) {
        reply(404, { error: "no such template" });
        return true;
      }
      template.status = request.status;
      if (request.status === "REJECTED") template.rejected_reason = request.reason ?? "INVALID_FORMAT";
      else delete template.rejected_reason;
      const reason = request.reason ?? (request.status === "REJECTED" ? "INVALID_FORMAT" : "NONE");
      return { webhook: templateStatusWebhook(wabaId, template, reason) };
    }
    if (pathname !== "/__templates") return false;
    if (method === "POST") {
      const added = (request.templates ?? []).map((seed) => ({
        name: "template",
        language: "en_US",
        category: "UTILITY" as const,
        status: "APPROVED",
        components: [{ type: "BODY", text: "Hello" }],
        ...seed,
        id: newTemplateId(),
      }));
      byWaba.set(wabaId, [...(request.replace ? [] : of(wabaId)), ...added]);
    } else if (method === "DELETE") {
      byWaba.set(
        wabaId,
        of(wabaId).filter((t) => t.name !== request.name),
      );
    }
    reply(200, of(wabaId));
    return true;
  }

  return { list, refusal, control };
}

/** The `message_template_status_update` webhook for a template's new status. */
export function templateStatusWebhook(wabaId: string, template: SimulatedTemplate, reason: string) {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: wabaId,
        time: Math.floor(Date.now() / 1000),
        changes: [
          {
            field: "message_template_status_update",
            value: {
              event: template.status,
              message_template_id: Number(template.id),
              message_template_name: template.name,
              message_template_language: template.language,
              message_template_category: template.category,
              reason,
            },
          },
        ],
      },
    ],
  };
}
