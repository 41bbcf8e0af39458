import { z } from "zod";
import { resultOf } from "../../lib/result";
import { deleteSavedReply, listSavedReplies, type SavedReply, saveSavedReply } from "../../services/saved-replies";
import { authedProcedure, router } from "../trpc";

const replySchema = z.object({
  id: z.uuid(),
  shortcut: z.string(),
  body: z.string(),
  attachment: z.object({ storedPath: z.string(), name: z.string(), mimeType: z.string(), size: z.coerce.number() }).nullable(),
  updatedAt: z.coerce.date(),
}) satisfies z.ZodType<SavedReply>;

export const savedRepliesRouter = router({
  list: authedProcedure
    .input(z.object({ workspaceId: z.uuid() }))
    .output(resultOf(z.object({ replies: z.array(replySchema), canEdit: z.boolean() })))
    .query(({ ctx, input }) => listSavedReplies(ctx.claims, input.workspaceId, ctx.log)),
  /** Creates (without an id) or edits one; managers and admins. */
  save: authedProcedure
    .input(
      z.object({
        workspaceId: z.uuid(),
        id: z.uuid().optional(),
        shortcut: z
          .string()
          .trim()
          .toLowerCase()
          .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, "Shortcuts are 1–32 lowercase letters, digits, - or _."),
        body: z.string().trim().min(1, "Write the reply.").max(4096, "Saved replies can be at most 4,096 characters."),
        /** Its file, uploaded to the workspace's saved-replies folder first; null removes it. */
        attachmentPath: z.string().min(1).max(500).nullish(),
      }),
    )
    .output(resultOf(z.object({ id: z.uuid() })))
    .mutation(({ ctx, input }) => saveSavedReply(ctx.claims, input, ctx.log)),
  delete: authedProcedure
    .input(z.object({ id: z.uuid() }))
    .output(resultOf(z.object({ deleted: z.literal(true) })))
    .mutation(({ ctx, input }) => deleteSavedReply(ctx.claims, input.id, ctx.log)),
});
