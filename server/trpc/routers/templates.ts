import { z } from "zod";
import type { TemplateComponent } from "../../../supabase/functions/_shared/whatsapp-templates";
import { resultOf } from "../../lib/result";
import { listTemplates, syncWorkspaceTemplates, type TemplateAccount, type WhatsAppTemplate } from "../../services/templates";
import { authedProcedure, router } from "../trpc";

const templateSchema = z.object({
  id: z.uuid(),
  wabaId: z.string(),
  name: z.string(),
  language: z.string(),
  category: z.string(),
  status: z.string(),
  rejectedReason: z.string().nullable(),
  quality: z.string().nullable(),
  // Meta's shape, kept as Meta lists it (whatsapp-templates.ts reads it).
  components: z.custom<TemplateComponent[]>((value) => Array.isArray(value)),
  syncedAt: z.coerce.date(),
}) satisfies z.ZodType<WhatsAppTemplate>;

const accountSchema = z.object({
  wabaId: z.string(),
  numbers: z.array(z.string()),
  syncedAt: z.coerce.date().nullable(),
}) satisfies z.ZodType<TemplateAccount>;

export const templatesRouter = router({
  /** The gym's WhatsApp templates (or one number's, for the composer). */
  list: authedProcedure
    .input(z.object({ workspaceId: z.uuid(), channelAccountId: z.uuid().optional() }))
    .output(resultOf(z.object({ accounts: z.array(accountSchema), templates: z.array(templateSchema), canSync: z.boolean() })))
    .query(({ ctx, input }) => listTemplates(ctx.claims, input, ctx.log)),
  /** Fetches every template from Meta now; managers and admins. */
  sync: authedProcedure
    .input(z.object({ workspaceId: z.uuid() }))
    .output(resultOf(z.object({ accounts: z.number().int(), templates: z.number().int(), removed: z.number().int() })))
    .mutation(({ ctx, input }) => syncWorkspaceTemplates(ctx.claims, input.workspaceId, ctx.log)),
});
