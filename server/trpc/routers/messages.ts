import { z } from "zod";
import { MESSAGE_TAG_NAMES } from "../../../supabase/functions/_shared/message-tags";
import { REPLY_BUTTON_LIMITS, REPLY_BUTTON_TITLE_LIMIT } from "../../../supabase/functions/_shared/reply-buttons";
import { resultOf } from "../../lib/result";
import { retryMedia } from "../../services/media-retry";
import { mediaUrlsSchema, signMediaUrls } from "../../services/media-urls";
import { messageSchema } from "../../services/message-shape";
import { listMessages, type MessagePage } from "../../services/messages";
import { addNote } from "../../services/notes";
import { retryMessage, sendMessage } from "../../services/sending";
import { sendTemplate } from "../../services/template-sending";
import { authedProcedure, router } from "../trpc";

const pageSchema = z.object({
  items: z.array(messageSchema),
  nextCursor: z.string().nullable(),
  hasMore: z.boolean(),
}) satisfies z.ZodType<MessagePage>;

/**
 * Text, or one file uploaded to the conversation's outbound folder (with a caption, which only WhatsApp takes). The
 * longest text any channel takes is WhatsApp's; sendMessage holds each reply to its own channel's limits.
 */
const sendInput = z
  .object({
    conversationId: z.uuid(),
    clientMessageId: z.string().min(8).max(100),
    text: z.string().trim().min(1, "Write a message first.").max(4096, "Replies can be at most 4,096 characters.").optional(),
    file: z
      .object({
        storedPath: z.string().min(1).max(500),
        caption: z.string().trim().max(1024, "Captions can be at most 1,024 characters.").nullish(),
      })
      .optional(),
    /** Messenger after the 24-hour window: the message tag the sender chose. */
    tag: z.enum(MESSAGE_TAG_NAMES).optional(),
    /** Reply buttons (WhatsApp, up to 3) or quick replies (Messenger, Instagram, up to 13), by title. */
    buttons: z
      .array(
        z
          .string()
          .trim()
          .min(1, "Give every button a title.")
          .max(REPLY_BUTTON_TITLE_LIMIT, `Button titles are at most ${REPLY_BUTTON_TITLE_LIMIT} characters.`),
      )
      .max(Math.max(...Object.values(REPLY_BUTTON_LIMITS)))
      .optional(),
  })
  .refine((input) => (input.text === undefined) !== (input.file === undefined), {
    message: "Send either text or one file.",
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
          content: input.file
            ? { file: { storedPath: input.file.storedPath, caption: input.file.caption || null } }
            : { text: input.text ?? "" },
          tag: input.tag,
          buttons: input.buttons,
        },
        ctx.log,
      ),
    ),

  /** An approved WhatsApp template with its values (by slot key: `body.1`, `header.name`, `button.0`). */
  sendTemplate: authedProcedure
    .input(
      z.object({
        conversationId: z.uuid(),
        clientMessageId: z.string().min(8).max(100),
        templateId: z.uuid(),
        values: z.record(z.string().regex(/^(header|body|button)\.[A-Za-z0-9_]{1,64}$/), z.string().max(1024)).default({}),
        headerFile: z.string().min(1).max(500).optional(),
      }),
    )
    .output(resultOf(messageSchema))
    .mutation(({ ctx, input }) => sendTemplate(ctx.claims, input, ctx.log)),

  /** A private note for the team, mentioning teammates by id; never sent to the member. */
  addNote: authedProcedure
    .input(
      z.object({
        conversationId: z.uuid(),
        clientMessageId: z.string().min(8).max(100),
        text: z.string().trim().min(1, "Write the note first.").max(4096, "Notes can be at most 4,096 characters."),
        mentions: z.array(z.uuid()).max(50).default([]),
      }),
    )
    .output(resultOf(messageSchema))
    .mutation(({ ctx, input }) => addNote(ctx.claims, input, ctx.log)),

  retry: authedProcedure
    .input(z.object({ messageId: z.uuid(), confirmed: z.boolean().default(false) }))
    .output(resultOf(messageSchema))
    .mutation(({ ctx, input }) => retryMessage(ctx.claims, input, ctx.log)),

  /** A member's photo, voice note or file that could not be fetched, fetched again. */
  retryMedia: authedProcedure
    .input(z.object({ messageId: z.uuid() }))
    .output(resultOf(z.object({ retried: z.boolean() })))
    .mutation(({ ctx, input }) => retryMedia(ctx.claims, input.messageId, ctx.log)),
  /** Signed URLs for the stored media the thread shows, one batch per page (paths of this conversation only). */
  mediaUrls: authedProcedure
    .input(z.object({ conversationId: z.uuid(), paths: z.array(z.string().max(500)).max(200) }))
    .output(resultOf(mediaUrlsSchema))
    .query(({ ctx, input }) => signMediaUrls(ctx.claims, ctx.accessToken, input, ctx.log)),
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
