import { z } from "zod";
import { resultOf } from "../../lib/result";
import { type AuditPage, listAuditLog } from "../../services/audit-log";
import { authedProcedure, router } from "../trpc";

const pageSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      at: z.coerce.date(),
      actor: z.object({ id: z.uuid(), name: z.string().nullable(), email: z.string().nullable() }).nullable(),
      action: z.string(),
      entity: z.string(),
      entityId: z.uuid().nullable(),
      metadata: z.record(z.string(), z.unknown()),
    }),
  ),
  nextCursor: z.string().nullable(),
}) satisfies z.ZodType<AuditPage>;

export const auditRouter = router({
  /** Who did what and when in a workspace (admins), newest first, filtered by person, action and time. */
  list: authedProcedure
    .input(
      z.object({
        workspaceId: z.uuid(),
        actorId: z.uuid().optional(),
        action: z
          .string()
          .regex(/^[a-z_]+\.[a-z_]+$/, "Not an action.")
          .optional(),
        from: z.coerce.date().optional(),
        until: z.coerce.date().optional(),
        cursor: z.string().max(500).optional(),
        limit: z.number().int().min(1).max(100).default(50),
      }),
    )
    .output(resultOf(pageSchema))
    .query(({ ctx, input }) => listAuditLog(ctx.claims, input, ctx.log)),
});
