import { z } from "zod";
import { resultOf } from "../../lib/result";
import { listMessages, type Message, type MessagePage } from "../../services/messages";
import { retryMessage, sendMessage } from "../../services/sending";
import { authedProcedure, router } from "../trpc";

const messageSchema = z.object({
  id: z.uuid(),
  conversationId: z.uuid(),
  direction: z.enum(["inbound", "outbound"]),
  kind: z.enum([
    "text",
    "image",
    "file",
    "audio",
    "video",
    "sticker",
    "location",
    "share",
    "story_mention",
    "reaction",
    "postback",
    "template",
    "system",
    "unsupported",
  ]),
  sender: z.enum(["member", "staff", "page"]),
  senderUserId: z.uuid().nullable(),
  text: z.string().nullable(),
  attachments: z.array(
    z.object({
      type: z.string(),
      url: z.string().nullish(),
      mediaId: z.string().nullish(),
      mimeType: z.string().nullish(),
      caption: z.string().nullish(),
      title: z.string().nullish(),
    }),
  ),
  reactions: z.array(z.object({ emoji: z.string(), reaction: z.string().nullish(), by: z.enum(["member", "staff"]) })),
  providerMessageId: z.string().nullable(),
  clientMessageId: z.string().nullable(),
  replyToProviderMessageId: z.string().nullable(),
  status: z.enum(["pending", "sent", "delivered", "read", "failed"]),
  sentAt: z.date().nullable(),
  deliveredAt: z.date().nullable(),
  readAt: z.date().nullable(),
  failedAt: z.date().nullable(),
  error: z
    .object({
      code: z.string(),
      message: z.string(),
      retryable: z.boolean(),
      providerCode: z.number().nullish(),
      mayHaveBeenDelivered: z.boolean().optional(),
    })
    .nullable(),
  editedAt: z.date().nullable(),
  deletedAt: z.date().nullable(),
  createdAt: z.date(),
}) satisfies z.ZodType<Message>;

const pageSchema = z.object({
  items: z.array(messageSchema),
  nextCursor: z.string().nullable(),
  hasMore: z.boolean(),
}) satisfies z.ZodType<MessagePage>;

/** The longest any channel takes (WhatsApp's); sendMessage holds each reply to its own channel's limit. */
const sendInput = z
  .object({
    conversationId: z.uuid(),
    clientMessageId: z.string().min(8).max(100),
    text: z.string().trim().min(1, "Write a message first.").max(4096, "Replies can be at most 4,096 characters.").optional(),
    attachment: z
      .object({
        type: z.enum(["image", "file"]),
        url: z.url({ protocol: /^https$/, error: "Attachments need an https:// link." }),
      })
      .optional(),
  })
  .refine((input) => (input.text === undefined) !== (input.attachment === undefined), {
    message: "Send either text or one attachment.",
    path: ["text"],
  });

export const messagesRouter = router({
  send: authedProcedure
    .input(sendInput)
    .output(resultOf(messageSchema))
    .mutation(({ ctx, input }) =>
      sendMessage(
        ctx.claims,
        {
          conversationId: input.conversationId,
          clientMessageId: input.clientMessageId,
          content: input.attachment ? { attachment: input.attachment } : { text: input.text ?? "" },
        },
        ctx.log,
      ),
    ),

  retry: authedProcedure
    .input(z.object({ messageId: z.uuid(), confirmed: z.boolean().default(false) }))
    .output(resultOf(messageSchema))
    .mutation(({ ctx, input }) => retryMessage(ctx.claims, input, ctx.log)),

  list: authedProcedure
    .input(
      z.object({
        conversationId: z.uuid(),
        cursor: z.string().max(500).optional(),
        limit: z.number().int().min(1).max(100).default(50),
      }),
    )
    .output(resultOf(pageSchema))
    .query(({ ctx, input }) => listMessages(ctx.claims, input, ctx.log)),
});
