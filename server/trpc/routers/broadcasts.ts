import { z } from "zod";
import { resultOf } from "../../lib/result";
import { changeBroadcast, retryBroadcastRecipients, startBroadcast } from "../../services/broadcast-control";
import { broadcastReach, deleteBroadcast, saveBroadcast } from "../../services/broadcast-drafts";
import {
  audienceSchema,
  BROADCAST_STATUSES,
  type Broadcast,
  RECIPIENT_STATUSES,
  SKIP_REASONS,
} from "../../services/broadcast-shape";
import { type BroadcastRecipient, getBroadcast, listBroadcasts, listRecipients } from "../../services/broadcast-views";
import { providerSchema } from "../../services/conversation-shape";
import { authedProcedure, router } from "../trpc";

const broadcastSchema = z.object({
  id: z.uuid(),
  workspaceId: z.uuid(),
  name: z.string(),
  channel: z.object({ id: z.uuid(), provider: providerSchema, displayName: z.string(), status: z.string() }),
  audience: audienceSchema,
  templateId: z.uuid().nullable(),
  templateValues: z.record(z.string(), z.string()),
  body: z.string().nullable(),
  fallbacks: z.record(z.string(), z.string()),
  status: z.enum(BROADCAST_STATUSES),
  scheduledAt: z.coerce.date().nullable(),
  pausedReason: z.string().nullable(),
  createdAt: z.coerce.date(),
  startedAt: z.coerce.date().nullable(),
  finishedAt: z.coerce.date().nullable(),
  counts: z.partialRecord(z.enum(RECIPIENT_STATUSES), z.number().int()),
}) satisfies z.ZodType<Broadcast>;

const recipientSchema = z.object({
  id: z.string(),
  contactId: z.uuid(),
  name: z.string().nullable(),
  address: z.string().nullable(),
  provider: providerSchema,
  status: z.enum(RECIPIENT_STATUSES),
  reason: z.string().nullable(),
  detail: z.string().nullable(),
  conversationId: z.uuid().nullable(),
  sentAt: z.coerce.date().nullable(),
  deliveredAt: z.coerce.date().nullable(),
  readAt: z.coerce.date().nullable(),
  repliedAt: z.coerce.date().nullable(),
}) satisfies z.ZodType<BroadcastRecipient>;

const variableText = z.string().max(1024, "A value can be at most 1,024 characters.");
const draftFields = {
  name: z.string().trim().min(1, "Name the broadcast.").max(120, "Names are at most 120 characters.").optional(),
  channelId: z.uuid().optional(),
  audience: audienceSchema.optional(),
  templateId: z.uuid().nullable().optional(),
  templateValues: z.record(z.string().max(40), variableText).optional(),
  body: z.string().max(2000, "A message can be at most 2,000 characters.").nullable().optional(),
  fallbacks: z.record(z.string().max(80), z.string().trim().max(200)).optional(),
};

export const broadcastsRouter = router({
  list: authedProcedure
    .input(z.object({ workspaceId: z.uuid() }))
    .output(resultOf(z.object({ broadcasts: z.array(broadcastSchema), canEdit: z.boolean() })))
    .query(({ ctx, input }) => listBroadcasts(ctx.claims, input.workspaceId, ctx.log)),
  get: authedProcedure
    .input(z.object({ broadcastId: z.uuid() }))
    .output(resultOf(z.object({ broadcast: broadcastSchema, canEdit: z.boolean() })))
    .query(({ ctx, input }) => getBroadcast(ctx.claims, input.broadcastId, ctx.log)),
  /** Creates a draft (without an id) or changes one; managers and admins. */
  save: authedProcedure
    .input(z.object({ workspaceId: z.uuid(), id: z.uuid().optional(), ...draftFields }))
    .output(resultOf(broadcastSchema))
    .mutation(({ ctx, input }) => saveBroadcast(ctx.claims, input, ctx.log)),
  delete: authedProcedure
    .input(z.object({ broadcastId: z.uuid() }))
    .output(resultOf(z.object({ deleted: z.literal(true) })))
    .mutation(({ ctx, input }) => deleteBroadcast(ctx.claims, input.broadcastId, ctx.log)),
  /** The live count: who the audience reaches on the channel, and why the others would be skipped. */
  reach: authedProcedure
    .input(z.object({ workspaceId: z.uuid(), channelId: z.uuid(), audience: audienceSchema, templateId: z.uuid().nullable() }))
    .output(
      resultOf(
        z.object({
          reachable: z.number().int(),
          skipped: z.array(
            z.object({
              reason: z.enum(Object.keys(SKIP_REASONS) as [keyof typeof SKIP_REASONS]),
              label: z.string(),
              contacts: z.number().int(),
            }),
          ),
        }),
      ),
    )
    .query(({ ctx, input }) => broadcastReach(ctx.claims, input, ctx.log)),
  /** Sends now (no sendAt) or at a time; a second click changes nothing. */
  start: authedProcedure
    .input(z.object({ broadcastId: z.uuid(), sendAt: z.coerce.date().nullable().default(null) }))
    .output(resultOf(broadcastSchema))
    .mutation(({ ctx, input }) => startBroadcast(ctx.claims, input, ctx.log)),
  change: authedProcedure
    .input(z.object({ broadcastId: z.uuid(), action: z.enum(["pause", "resume", "cancel"]) }))
    .output(resultOf(broadcastSchema))
    .mutation(({ ctx, input }) => changeBroadcast(ctx.claims, input, ctx.log)),
  retryFailed: authedProcedure
    .input(z.object({ broadcastId: z.uuid(), includeUnconfirmed: z.boolean().default(false) }))
    .output(resultOf(z.object({ retried: z.number().int() })))
    .mutation(({ ctx, input }) => retryBroadcastRecipients(ctx.claims, input, ctx.log)),
  recipients: authedProcedure
    .input(
      z.object({
        broadcastId: z.uuid(),
        status: z.enum(RECIPIENT_STATUSES).optional(),
        cursor: z
          .string()
          .regex(/^\d{1,18}$/)
          .optional(),
        limit: z.number().int().min(1).max(200).default(50),
      }),
    )
    .output(resultOf(z.object({ items: z.array(recipientSchema), nextCursor: z.string().nullable() })))
    .query(({ ctx, input }) =>
      listRecipients(
        ctx.claims,
        { broadcastId: input.broadcastId, status: input.status, after: input.cursor, limit: input.limit },
        ctx.log,
      ),
    ),
});
