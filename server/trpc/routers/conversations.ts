import { z } from "zod";
import { resultOf } from "../../lib/result";
import type { MessagingWindow } from "../../meta/messaging-window";
import {
  type AssigneeFilter,
  assignConversation,
  type ConversationListItem,
  type ConversationPage,
  type ConversationSummary,
  countUnreadConversations,
  getConversation,
  listConversations,
  markConversationRead,
  setConversationArchived,
  setConversationStatus,
} from "../../services/conversations";
import { authedProcedure, router } from "../trpc";
import { channelStatusSchema, providerSchema } from "./channels";

const conversationStatusSchema = z.enum(["open", "pending", "resolved"]);

const windowSchema = z.discriminatedUnion("state", [
  z.object({ state: z.literal("open"), closesAt: z.date() }),
  z.object({ state: z.literal("human_agent"), closesAt: z.date() }),
  z.object({
    state: z.literal("closed"),
    closedAt: z.date().nullable(),
    reason: z.enum(["no_inbound", "expired", "template_required", "reengagement_required"]),
  }),
]) satisfies z.ZodType<MessagingWindow>;

const summarySchema = z.object({
  id: z.uuid(),
  workspaceId: z.uuid(),
  status: conversationStatusSchema,
  archivedAt: z.date().nullable(),
  unreadCount: z.number().int(),
  lastMessageAt: z.date(),
  lastInboundAt: z.date().nullable(),
  windowClosedAt: z.date().nullable(),
  failedSends: z.number().int(),
  preview: z.string().nullable(),
  assignee: z.object({ id: z.uuid(), name: z.string().nullable(), email: z.string().nullable() }).nullable(),
  contact: z.object({
    id: z.uuid(),
    displayName: z.string().nullable(),
    avatarUrl: z.string().nullable(),
    phone: z.string().nullable(),
    handle: z.string().nullable(),
  }),
  channel: z.object({
    id: z.uuid(),
    provider: providerSchema,
    displayName: z.string(),
    status: channelStatusSchema,
    textLimit: z.number().int(),
  }),
  window: windowSchema,
}) satisfies z.ZodType<ConversationSummary>;

const listItemSchema = summarySchema.extend({
  match: z.object({ messageId: z.uuid(), snippet: z.string(), at: z.date() }).nullable(),
}) satisfies z.ZodType<ConversationListItem>;

const pageSchema = z.object({
  items: z.array(listItemSchema),
  nextCursor: z.string().nullable(),
}) satisfies z.ZodType<ConversationPage>;

const listInput = z.object({
  workspaceId: z.uuid(),
  channelAccountId: z.uuid().optional(),
  status: conversationStatusSchema.optional(),
  /** "any": archived and not, which is what a search covers. */
  archived: z.union([z.boolean(), z.literal("any")]).default(false),
  assignee: z.union([z.enum(["me", "unassigned", "anyone"]), z.object({ userId: z.uuid() })]).default("anyone"),
  unreadOnly: z.boolean().default(false),
  search: z
    .string()
    .trim()
    .max(100)
    .refine((term) => term.length !== 1, "Type at least 2 characters to search.")
    .optional(),
  cursor: z.string().max(500).optional(),
  limit: z.number().int().min(1).max(100).default(30),
});

const byId = z.object({ conversationId: z.uuid() });

function assigneeFilter(assignee: z.infer<typeof listInput>["assignee"]): AssigneeFilter {
  return typeof assignee === "string" ? { kind: assignee } : { kind: "user", userId: assignee.userId };
}

export const conversationsRouter = router({
  list: authedProcedure
    .input(listInput)
    .output(resultOf(pageSchema))
    .query(({ ctx, input }) =>
      listConversations(
        ctx.claims,
        { ...input, search: input.search || undefined, assignee: assigneeFilter(input.assignee) },
        ctx.log,
      ),
    ),

  unreadTotal: authedProcedure
    .input(z.object({ workspaceId: z.uuid() }))
    .output(resultOf(z.number().int()))
    .query(({ ctx, input }) => countUnreadConversations(ctx.claims, input.workspaceId, ctx.log)),

  get: authedProcedure
    .input(byId)
    .output(resultOf(summarySchema))
    .query(({ ctx, input }) => getConversation(ctx.claims, input.conversationId, ctx.log)),

  markRead: authedProcedure
    .input(byId)
    .output(resultOf(summarySchema))
    .mutation(({ ctx, input }) => markConversationRead(ctx.claims, input.conversationId, ctx.log)),

  assign: authedProcedure
    .input(byId.extend({ assigneeId: z.uuid().nullable() }))
    .output(resultOf(summarySchema))
    .mutation(({ ctx, input }) => assignConversation(ctx.claims, input.conversationId, input.assigneeId, ctx.log)),

  setStatus: authedProcedure
    .input(byId.extend({ status: conversationStatusSchema }))
    .output(resultOf(summarySchema))
    .mutation(({ ctx, input }) => setConversationStatus(ctx.claims, input.conversationId, input.status, ctx.log)),

  archive: authedProcedure
    .input(byId)
    .output(resultOf(summarySchema))
    .mutation(({ ctx, input }) => setConversationArchived(ctx.claims, input.conversationId, true, ctx.log)),

  unarchive: authedProcedure
    .input(byId)
    .output(resultOf(summarySchema))
    .mutation(({ ctx, input }) => setConversationArchived(ctx.claims, input.conversationId, false, ctx.log)),
});
