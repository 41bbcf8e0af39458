import { z } from "zod";
import { resultOf } from "../../lib/result";
import { getMe } from "../../services/account";
import { authedProcedure } from "../trpc";

const meSchema = z.object({
  user: z.object({ id: z.uuid(), email: z.string().nullable() }),
  workspaces: z.array(z.object({ id: z.uuid(), name: z.string(), role: z.enum(["admin", "manager", "agent"]) })),
});

export const me = authedProcedure
  .input(z.void())
  .output(resultOf(meSchema))
  .query(({ ctx }) => getMe(ctx.claims, ctx.log));
