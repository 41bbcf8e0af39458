import { z } from "zod";
import type { TemplateComponent } from "../../supabase/functions/_shared/whatsapp-templates";
import { type GraphResult, graphCall } from "./graph-http";

/** A template as `GET /{waba-id}/message_templates` lists it (fields we ask for; anything else is ignored). */
const listedTemplateSchema = z.object({
  id: z.string(),
  name: z.string(),
  language: z.string(),
  category: z.string(),
  status: z.string(),
  rejected_reason: z.string().nullish(),
  quality_score: z.object({ score: z.string().nullish() }).nullish(),
  components: z.array(z.looseObject({ type: z.string() })).default([]),
});
const pageSchema = z.object({
  data: z.array(z.unknown()).default([]),
  paging: z.object({ cursors: z.object({ after: z.string().nullish() }).nullish(), next: z.string().nullish() }).nullish(),
});

export interface ListedTemplate {
  providerTemplateId: string;
  name: string;
  language: string;
  category: string;
  status: string;
  rejectedReason: string | null;
  quality: string | null;
  components: TemplateComponent[];
}

const FIELDS = "id,name,language,category,status,rejected_reason,quality_score,components";
const PAGE_SIZE = "100";
/** Meta allows a few thousand templates per account; far more pages than that is a cursor going round. */
const MAX_PAGES = 100;

/**
 * Every template of a WhatsApp Business Account, following `paging` to the last page. A template Meta lists in a shape
 * we cannot read is left out (and counted), never a reason to fail the whole list.
 */
export async function listMessageTemplates(
  wabaId: string,
  token: string,
): Promise<GraphResult<{ templates: ListedTemplate[]; unreadable: number; pages: number }>> {
  const templates: ListedTemplate[] = [];
  let unreadable = 0;
  let after: string | null = null;
  for (let pages = 1; pages <= MAX_PAGES; pages += 1) {
    const askForPage = () =>
      graphCall<unknown>("GET", `${encodeURIComponent(wabaId)}/message_templates`, {
        token,
        query: { fields: FIELDS, limit: PAGE_SIZE, ...(after ? { after } : {}) },
      });
    let result = await askForPage();
    // A read is safe to repeat: a page Meta did not answer is asked for once more, a second later.
    if (!result.ok && result.failure.code === null) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      result = await askForPage();
    }
    if (!result.ok) return result;
    const read = pageSchema.safeParse(result.value);
    if (!read.success) {
      return { ok: false, failure: { code: null, tokenInvalid: false, message: "Meta's template list was not readable." } };
    }
    for (const raw of read.data.data) {
      const template = listedTemplateSchema.safeParse(raw);
      if (!template.success) {
        unreadable += 1;
        continue;
      }
      const { data } = template;
      templates.push({
        providerTemplateId: data.id,
        name: data.name,
        language: data.language,
        category: data.category,
        status: data.status,
        rejectedReason: data.rejected_reason && data.rejected_reason !== "NONE" ? data.rejected_reason : null,
        quality: data.quality_score?.score ?? null,
        components: data.components as TemplateComponent[],
      });
    }
    after = read.data.paging?.next ? (read.data.paging.cursors?.after ?? null) : null;
    if (!after) return { ok: true, value: { templates, unreadable, pages } };
  }
  return { ok: false, failure: { code: null, tokenInvalid: false, message: "Meta's template list did not end." } };
}
