import { z } from "zod";
import { resultOf } from "../../lib/result";
import { liveUpdatesProbeSchema, probeLiveUpdates } from "../../services/live-updates-probe";
import { getWorkspaceHealth, workspaceHealthSchema } from "../../services/workspace-health";
import { authedProcedure, router } from "../trpc";

export const healthRouter = router({
  /** Settings → Health (admins): channels, webhooks, the queue and the workers. */
  workspace: authedProcedure
    .input(z.object({ workspaceId: z.uuid() }))
    .output(resultOf(workspaceHealthSchema))
    .query(({ ctx, input }) => getWorkspaceHealth(ctx.claims, input.workspaceId, ctx.log)),
  /** Settings → Health (admins): a test broadcast sent and waited for, end to end. */
  liveUpdates: authedProcedure
    .input(z.object({ workspaceId: z.uuid() }))
    .output(resultOf(liveUpdatesProbeSchema))
    .query(({ ctx, input }) => probeLiveUpdates(ctx.claims, ctx.accessToken, input.workspaceId, ctx.log)),
});
