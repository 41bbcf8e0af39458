import { z } from "zod";
import { TAXONOMY_LIMITS } from "../../../supabase/functions/_shared/contact-taxonomy";
import { resultOf } from "../../lib/result";
import { deleteStage, listStages, type PipelineStage, reorderStages, saveStage } from "../../services/pipeline-stages";
import { authedProcedure, router } from "../trpc";

const stageSchema = z.object({ id: z.uuid(), name: z.string(), position: z.number().int() }) satisfies z.ZodType<PipelineStage>;

export const stagesRouter = router({
  list: authedProcedure
    .input(z.object({ workspaceId: z.uuid() }))
    .output(resultOf(z.object({ stages: z.array(stageSchema), canEdit: z.boolean() })))
    .query(({ ctx, input }) => listStages(ctx.claims, input.workspaceId, ctx.log)),
  save: authedProcedure
    .input(
      z.object({
        workspaceId: z.uuid(),
        id: z.uuid().optional(),
        name: z.string().trim().min(1, "Name the stage.").max(TAXONOMY_LIMITS.name, "Stages are at most 40 characters."),
      }),
    )
    .output(resultOf(z.object({ id: z.uuid() })))
    .mutation(({ ctx, input }) => saveStage(ctx.claims, input, ctx.log)),
  reorder: authedProcedure
    .input(z.object({ workspaceId: z.uuid(), stageIds: z.array(z.uuid()).min(1).max(TAXONOMY_LIMITS.stages) }))
    .output(resultOf(z.object({ reordered: z.literal(true) })))
    .mutation(({ ctx, input }) => reorderStages(ctx.claims, input, ctx.log)),
  delete: authedProcedure
    .input(z.object({ id: z.uuid() }))
    .output(resultOf(z.object({ deleted: z.literal(true) })))
    .mutation(({ ctx, input }) => deleteStage(ctx.claims, input.id, ctx.log)),
});
