import { z } from "zod";
import { resultOf } from "../../lib/result";
import { listTeam, type TeamMember } from "../../services/team";
import { authedProcedure, router } from "../trpc";

const memberSchema = z.object({
  userId: z.uuid(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  role: z.enum(["admin", "manager", "agent"]),
}) satisfies z.ZodType<TeamMember>;

export const teamRouter = router({
  list: authedProcedure
    .input(z.object({ workspaceId: z.uuid() }))
    .output(resultOf(z.array(memberSchema)))
    .query(({ ctx, input }) => listTeam(ctx.claims, input.workspaceId, ctx.log)),
});
