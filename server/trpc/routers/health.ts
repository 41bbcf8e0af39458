import { z } from "zod";
import { resultOf } from "../../lib/result";
import { getWorkspaceHealth, workspaceHealthSchema } from "../../services/workspace-health";
import { authedProcedure, router } from "../trpc";

export const healthRouter = router({
  /** Settings → Health (admins): channels, webhooks, the queue and the workers. */
  workspace: authedProcedure
    .input(z.object({ workspaceId: z.uuid() }))
    .output(resultOf(workspaceHealthSchema))
    .query(({ ctx, input }) => getWorkspaceHealth(ctx.claims, input.workspaceId, ctx.log)),
});
