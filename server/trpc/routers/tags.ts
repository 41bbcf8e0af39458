import { z } from "zod";
import { TAG_COLOURS, TAXONOMY_LIMITS } from "../../../supabase/functions/_shared/contact-taxonomy";
import { resultOf } from "../../lib/result";
import { deleteTag, listTags, saveTag, type Tag } from "../../services/tags";
import { authedProcedure, router } from "../trpc";

const tagSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  colour: z.enum(TAG_COLOURS),
  contacts: z.number().int(),
}) satisfies z.ZodType<Tag>;

export const tagsRouter = router({
  list: authedProcedure
    .input(z.object({ workspaceId: z.uuid() }))
    .output(resultOf(z.object({ tags: z.array(tagSchema), canEdit: z.boolean() })))
    .query(({ ctx, input }) => listTags(ctx.claims, input.workspaceId, ctx.log)),
  /** Creates (without an id), renames or recolours one; managers and admins. */
  save: authedProcedure
    .input(
      z.object({
        workspaceId: z.uuid(),
        id: z.uuid().optional(),
        name: z.string().trim().min(1, "Name the tag.").max(TAXONOMY_LIMITS.name, "Tags are at most 40 characters."),
        colour: z.enum(TAG_COLOURS).default("slate"),
      }),
    )
    .output(resultOf(z.object({ id: z.uuid() })))
    .mutation(({ ctx, input }) => saveTag(ctx.claims, input, ctx.log)),
  /** Deletes one from every contact; with `intoId`, its contacts get that tag instead. */
  delete: authedProcedure
    .input(z.object({ id: z.uuid(), intoId: z.uuid().optional() }))
    .output(resultOf(z.object({ deleted: z.literal(true) })))
    .mutation(({ ctx, input }) => deleteTag(ctx.claims, input, ctx.log)),
});
