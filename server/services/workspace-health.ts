import { z } from "zod";
import { CHANNEL_PROVIDERS, CHANNEL_STATUSES } from "../../supabase/functions/_shared/channel-providers";
import type { UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import { userTransaction } from "./user-transaction";
import { membershipIn } from "./workspace-membership";

const date = z.coerce.date();

/** What Settings → Health shows, read from app.workspace_health (its jsonb is parsed by this schema, defined once). */
export const workspaceHealthSchema = z.object({
  channels: z.array(
    z.object({
      id: z.uuid(),
      provider: z.enum(CHANNEL_PROVIDERS),
      name: z.string(),
      status: z.enum(CHANNEL_STATUSES),
      lastInboundAt: date.nullable(),
      lastSentAt: date.nullable(),
      failedSends24h: z.number().int(),
    }),
  ),
  webhooks24h: z.object({ processed: z.number().int(), unroutable: z.number().int(), failed: z.number().int() }),
  failingWebhooks: z.array(
    z.object({
      id: z.number().int(),
      receivedAt: date,
      attempts: z.number().int(),
      /** `SQLSTATE: message` of the last attempt. */
      error: z.string().nullable(),
      nextAttemptAt: date,
    }),
  ),
  queue: z.object({ depth: z.number().int(), oldestWaitingSince: date.nullable(), running: z.number().int() }),
  failingJobs: z.array(
    z.object({
      id: z.number().int(),
      task: z.string(),
      attempts: z.number().int(),
      maxAttempts: z.number().int(),
      lastError: z.string().nullable(),
      runAt: date,
    }),
  ),
  /** Scheduled jobs serve every workspace; their errors are for the operator, so admins see only a count. */
  failingSystemJobs: z.number().int(),
  workerBeatAt: date.nullable(),
  /** Attempts after which a failed webhook is no longer applied again by the worker. */
  healAttempts: z.number().int(),
});

export type WorkspaceHealth = z.infer<typeof workspaceHealthSchema>;

export function getWorkspaceHealth(claims: UserClaims, workspaceId: string, log: Logger): Promise<Result<WorkspaceHealth>> {
  return userTransaction(claims, log, "health.workspace", async (tx) => {
    const membership = await membershipIn(tx, workspaceId);
    if (!membership) return fail("NOT_FOUND", "Workspace not found.");
    if (membership.role !== "admin") return fail("FORBIDDEN", "Only admins can see the workspace's health.");
    const [row] = await tx<{ health: Record<string, unknown> | null }[]>`select app.workspace_health(${workspaceId}) as health`;
    if (!row?.health) return fail("FORBIDDEN", "Only admins can see the workspace's health.");
    return ok(workspaceHealthSchema.parse(row.health));
  });
}
