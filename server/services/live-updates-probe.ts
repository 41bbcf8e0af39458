import { randomUUID } from "node:crypto";
import { z } from "zod";
import { asService, type UserClaims } from "../db/client";
import { config } from "../lib/config";
import type { Logger } from "../lib/logger";
import { closeRealtime, joinPrivateTopic } from "../lib/realtime-listener";
import { fail, ok, type Result } from "../lib/result";
import { supabaseClient } from "../lib/supabase-client";
import { userTransaction } from "./user-transaction";
import { membershipIn } from "./workspace-membership";

/** How long a test broadcast may take to arrive before live updates count as not arriving. */
const PROBE_TIMEOUT_MS = 5_000;

export const liveUpdatesProbeSchema = z.object({
  /** Realtime let the admin's token join the workspace's topic, as their inbox does. */
  joined: z.boolean(),
  /** The test broadcast, sent by the database through realtime.send(), came back over Realtime. */
  delivered: z.boolean(),
  latencyMs: z.number().int().nullable(),
});
export type LiveUpdatesProbe = z.infer<typeof liveUpdatesProbeSchema>;

/**
 * Whether live updates reach browsers, tried end to end: this server joins the workspace's topic with the admin's
 * token, has Postgres send a test broadcast, and waits for it. Anything between (realtime.send, Realtime's
 * authorization, a plan's quota) that stops broadcasts shows here; open inboxes meanwhile poll.
 */
export async function probeLiveUpdates(
  claims: UserClaims,
  accessToken: string,
  workspaceId: string,
  log: Logger,
): Promise<Result<LiveUpdatesProbe>> {
  const allowed = await userTransaction(claims, log, "health.live_updates", async (tx) => {
    const membership = await membershipIn(tx, workspaceId);
    if (!membership) return fail("NOT_FOUND", "Workspace not found.");
    return membership.role === "admin" ? ok(true) : fail("FORBIDDEN", "Only admins can see the workspace's health.");
  });
  if (!allowed.success) return allowed;

  const probe = randomUUID();
  const supabase = supabaseClient(config().SUPABASE_ANON_KEY);
  let heard: () => void = () => {};
  const arrived = new Promise<true>((resolve) => {
    heard = () => resolve(true);
  });
  try {
    const joined = await joinPrivateTopic(supabase, accessToken, `workspace:${workspaceId}`, {
      event: "probe",
      onBroadcast: (payload) => {
        if (payload.probe === probe) heard();
      },
    });
    if (joined !== "joined") {
      log.warn("health.live_updates_not_joined", { workspaceId, outcome: joined });
      return ok({ joined: false, delivered: false, latencyMs: null });
    }
    const sentAt = performance.now();
    await asService((tx) => tx`select app.send_live_updates_probe(${workspaceId}, ${probe})`);
    const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), PROBE_TIMEOUT_MS));
    const delivered = await Promise.race([arrived, timeout]);
    if (!delivered) log.warn("health.live_updates_not_delivered", { workspaceId });
    return ok({ joined: true, delivered, latencyMs: delivered ? Math.round(performance.now() - sentAt) : null });
  } finally {
    await closeRealtime(supabase);
  }
}
