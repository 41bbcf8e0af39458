import { z } from "zod";
import { resultOf } from "../../lib/result";
import { conversationPageSchema, conversationStatusSchema, conversationSummarySchema } from "../../services/conversation-shape";
import {
  type AssigneeFilter,
  assignConversation,
  countUnreadConversations,
  getConversation,
  listConversations,
  markConversationRead,
  setConversationArchived,
  setConversationStatus,
} from "../../services/conversations";
import { authedProcedure, router } from "../trpc";

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
    .output(resultOf(conversationPageSchema))
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
    .output(resultOf(conversationSummarySchema))
    .query(({ ctx, input }) => getConversation(ctx.claims, input.conversationId, ctx.log)),

  markRead: authedProcedure
    .input(byId)
    .output(resultOf(conversationSummarySchema))
    .mutation(({ ctx, input }) => markConversationRead(ctx.claims, input.conversationId, ctx.log)),

  assign: authedProcedure
    .input(byId.extend({ assigneeId: z.uuid().nullable() }))
    .output(resultOf(conversationSummarySchema))
    .mutation(({ ctx, input }) => assignConversation(ctx.claims, input.conversationId, input.assigneeId, ctx.log)),

  setStatus: authedProcedure
    .input(byId.extend({ status: conversationStatusSchema }))
    .output(resultOf(conversationSummarySchema))
    .mutation(({ ctx, input }) => setConversationStatus(ctx.claims, input.conversationId, input.status, ctx.log)),

  archive: authedProcedure
    .input(byId)
    .output(resultOf(conversationSummarySchema))
    .mutation(({ ctx, input }) => setConversationArchived(ctx.claims, input.conversationId, true, ctx.log)),

  unarchive: authedProcedure
    .input(byId)
    .output(resultOf(conversationSummarySchema))
    .mutation(({ ctx, input }) => setConversationArchived(ctx.claims, input.conversationId, false, ctx.log)),
});
