import { z } from "zod";
import { resultOf } from "../../lib/result";
import { createMyGym, newGymSchema } from "../../services/gym-signup";
import { authedProcedure, router } from "../trpc";

export const workspacesRouter = router({
  create: authedProcedure
    .input(newGymSchema)
    .output(resultOf(z.object({ workspaceId: z.uuid() })))
    .mutation(({ ctx, input }) => createMyGym(ctx.claims, input, ctx.log)),
});
