import { z } from "zod";
import { CHANNEL_PROVIDERS, CHANNEL_STATUSES } from "../../supabase/functions/_shared/channel-providers";
import { messagingWindowSchema } from "../meta/messaging-window";

/**
 * A conversation as the inbox shows it, defined once: these schemas validate the API's answers and the
 * TypeScript types are inferred from them.
 */
export const providerSchema = z.enum(CHANNEL_PROVIDERS);
export const channelStatusSchema = z.enum(CHANNEL_STATUSES);
export const conversationStatusSchema = z.enum(["open", "pending", "resolved"]);

export const conversationSummarySchema = z.object({
  id: z.uuid(),
  workspaceId: z.uuid(),
  status: conversationStatusSchema,
  archivedAt: z.date().nullable(),
  unreadCount: z.number().int(),
  lastMessageAt: z.date(),
  lastInboundAt: z.date().nullable(),
  /** When Meta last refused a reply for the window: closed until the member writes again. */
  windowClosedAt: z.date().nullable(),
  /** Replies that failed to send and have not gone since. */
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
    /** The longest text this channel's Send API takes. */
    textLimit: z.number().int(),
  }),
  window: messagingWindowSchema,
});

/** A list item found by search: the newest message that matched, around the match, when one did. */
export const conversationListItemSchema = conversationSummarySchema.extend({
  match: z.object({ messageId: z.uuid(), snippet: z.string(), at: z.date() }).nullable(),
});

export const conversationPageSchema = z.object({
  items: z.array(conversationListItemSchema),
  nextCursor: z.string().nullable(),
});

export type ConversationStatus = z.infer<typeof conversationStatusSchema>;
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;
export type ConversationListItem = z.infer<typeof conversationListItemSchema>;
export type ConversationPage = z.infer<typeof conversationPageSchema>;
