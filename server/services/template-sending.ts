import { previewOf } from "../../supabase/functions/_shared/message-preview";
import {
  headerMediaFormat,
  renderedText,
  sendComponents,
  type TemplateComponent,
  templateValueProblems,
} from "../../supabase/functions/_shared/whatsapp-templates";
import type { UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import { loadSummary } from "./conversations";
import type { Message } from "./messages";
import { deliverReply } from "./reply-delivery";
import { readBack } from "./sending";
import { userTransaction } from "./user-transaction";

export interface SendTemplateInput {
  conversationId: string;
  clientMessageId: string;
  templateId: string;
  /** By slot key (`body.1`, `header.first_name`, `button.0`): see templateSlots. */
  values: Record<string, string>;
  /** The header's image, video or document, uploaded to the conversation's outbound folder like any reply's file. */
  headerFile?: string;
}

const STATUS_WORDS: Record<string, string> = {
  PENDING: "still in Meta's review",
  REJECTED: "rejected by Meta",
  PAUSED: "paused by Meta",
  DISABLED: "disabled by Meta",
};

/** What WhatsApp takes as a template's header (outbound-media.ts has the exact limits). */
const HEADER_FILES: Record<string, string> = {
  IMAGE: "a JPEG or PNG photo up to 5 MB",
  VIDEO: "an MP4 or 3GP video up to 16 MB",
  DOCUMENT: "a PDF or office document up to 100 MB",
};

const refused = (field: string, problem: string) =>
  fail("VALIDATION", problem, { details: { fieldErrors: { [field]: [problem] } } });

/**
 * A WhatsApp template reply: allowed whatever the 24-hour window, approved templates of the number's own account
 * only, every variable filled (WhatsApp's rules for values checked here, so a wrong count never reaches Meta). Stored
 * as pending with the rendered text the member reads, then sent by this request; the same clientMessageId never sends
 * twice.
 */
export async function sendTemplate(claims: UserClaims, input: SendTemplateInput, log: Logger): Promise<Result<Message>> {
  const queued = await userTransaction(claims, log, "messages.send_template", async (tx) => {
    const conversation = await loadSummary(tx, input.conversationId);
    if (!conversation) return fail("NOT_FOUND", "Conversation not found.");
    if (conversation.channel.provider !== "whatsapp") return refused("templateId", "Templates are for WhatsApp conversations.");
    if (conversation.channel.status !== "active") {
      return fail("PROVIDER_ERROR", "This channel is disconnected. An admin needs to reconnect it in Settings.", {
        retryable: false,
      });
    }
    const [template] = await tx<{ name: string; status: string; components: TemplateComponent[] }[]>`
      select name, status, components from public.whatsapp_templates
      where id = ${input.templateId} and workspace_id = ${conversation.workspaceId}`;
    if (!template) return refused("templateId", "This template is not one of this number's. Sync templates and pick again.");
    if (template.status !== "APPROVED") {
      return refused(
        "templateId",
        `“${template.name}” is ${STATUS_WORDS[template.status] ?? template.status.toLowerCase()}: only approved templates can be sent.`,
      );
    }
    const headerFormat = headerMediaFormat(template.components);
    if (headerFormat === "LOCATION") {
      return refused("templateId", `“${template.name}” needs a location header, which Frontdesk cannot send yet.`);
    }
    if (headerFormat && !input.headerFile) {
      return refused("headerFile", `Attach the ${headerFormat.toLowerCase()} this template shows at its top.`);
    }
    const problems = templateValueProblems(template.components, input.values);
    if (Object.keys(problems).length > 0) {
      return fail("VALIDATION", "Fill in every value of the template.", {
        details: { fieldErrors: Object.fromEntries(Object.entries(problems).map(([key, problem]) => [key, [problem]])) },
      });
    }
    const text = renderedText(template.components, input.values);
    const components = sendComponents(template.components, input.values);
    const [row] = await tx<{ outcome: string; message_id: string | null; created: boolean | null }[]>`
      select outcome, message_id, created from app.queue_template_message(
        ${input.conversationId}, ${input.clientMessageId}, ${input.templateId}, ${tx.json(components as never)}, ${text},
        ${previewOf("template", text)}, ${input.headerFile ?? null})`;
    if (row?.outcome === "not_approved") return refused("templateId", "This template is no longer approved.");
    if (row?.outcome === "no_header_file") {
      const wanted = HEADER_FILES[headerFormat ?? ""] ?? "no file";
      return refused("headerFile", `This template's header takes ${wanted}, uploaded to this conversation.`);
    }
    if (row?.outcome !== "queued" || !row.message_id) return fail("NOT_FOUND", "Conversation not found.");
    return ok({ messageId: row.message_id, created: Boolean(row.created) });
  });
  if (!queued.success) return queued;
  const { messageId, created } = queued.data;
  // Sent as stored: the name and language Postgres took from the template row.
  if (created) await deliverReply(messageId, log);
  return readBack(claims, messageId, log);
}
