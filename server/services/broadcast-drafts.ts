import type { UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, fieldFailure, ok, type Result } from "../lib/result";
import { type Broadcast, type BroadcastAudience, loadBroadcast, SKIP_REASONS, type SkipReason } from "./broadcast-shape";
import { userTransaction } from "./user-transaction";
import { membershipIn } from "./workspace-membership";

export interface BroadcastDraft {
  name?: string;
  channelId?: string;
  audience?: BroadcastAudience;
  templateId?: string | null;
  templateValues?: Record<string, string>;
  body?: string | null;
  fallbacks?: Record<string, string>;
}

export const forbiddenForAgents = () => fail("FORBIDDEN", "Only managers and admins can build and send broadcasts.");
export const broadcastNotFound = () => fail("NOT_FOUND", "This broadcast no longer exists.");

/** Creates a draft (no id: a name and a channel needed) or changes one (app.save_broadcast: managers and admins). */
export function saveBroadcast(
  claims: UserClaims,
  input: BroadcastDraft & { workspaceId: string; id?: string },
  log: Logger,
): Promise<Result<Broadcast>> {
  const { workspaceId, id, ...changes } = input;
  if (!id && !changes.name) return Promise.resolve(fieldFailure("name", "Name the broadcast."));
  if (!id && !changes.channelId) return Promise.resolve(fieldFailure("channelId", "Choose the channel it goes out on."));
  return userTransaction(claims, log, "broadcasts.save", async (tx) => {
    const [row] = await tx<{ outcome: string; broadcastId: string | null }[]>`
      select outcome, broadcast_id as "broadcastId" from app.save_broadcast(${workspaceId}, ${id ?? null}, ${tx.json(changes as never)})`;
    switch (row?.outcome) {
      case "changed": {
        const broadcast = await loadBroadcast(tx, row.broadcastId ?? "");
        return broadcast ? ok(broadcast) : broadcastNotFound();
      }
      case "forbidden":
        return forbiddenForAgents();
      case "not_draft":
        return fail("CONFLICT", "This broadcast has started: it can no longer be changed.");
      case "invalid":
        return changes.templateId
          ? fieldFailure("templateId", "Pick a template of this number's WhatsApp account.")
          : fieldFailure("channelId", "Pick one of this workspace's channels.");
      default:
        return broadcastNotFound();
    }
  });
}

/** Deletes a draft (app.delete_broadcast); a broadcast that started stays, with its recipients. */
export function deleteBroadcast(claims: UserClaims, broadcastId: string, log: Logger): Promise<Result<{ deleted: true }>> {
  return userTransaction(claims, log, "broadcasts.delete", async (tx) => {
    const [row] = await tx<{ outcome: string }[]>`select app.delete_broadcast(${broadcastId}) as outcome`;
    switch (row?.outcome) {
      case "changed":
        return ok({ deleted: true as const });
      case "forbidden":
        return forbiddenForAgents();
      case "not_draft":
        return fail("CONFLICT", "Only a draft can be deleted; cancel a broadcast that has started.");
      default:
        return broadcastNotFound();
    }
  });
}

export interface BroadcastReach {
  reachable: number;
  skipped: { reason: SkipReason; label: string; contacts: number }[];
}

/** How many contacts an audience reaches on a channel now, and why the rest would be skipped (managers, admins). */
export function broadcastReach(
  claims: UserClaims,
  input: { workspaceId: string; channelId: string; audience: BroadcastAudience; templateId: string | null },
  log: Logger,
): Promise<Result<BroadcastReach>> {
  return userTransaction(claims, log, "broadcasts.reach", async (tx) => {
    const membership = await membershipIn(tx, input.workspaceId);
    if (!membership) return fail("NOT_FOUND", "Workspace not found.");
    if (membership.role === "agent") return forbiddenForAgents();
    const rows = await tx<{ reason: SkipReason | null; contacts: number }[]>`
      select reason, contacts from app.broadcast_reach(${input.workspaceId}, ${input.channelId}, ${tx.json(input.audience)},
                                                       ${input.templateId})`;
    return ok({
      reachable: rows.find((row) => row.reason === null)?.contacts ?? 0,
      skipped: rows.flatMap((row) =>
        row.reason ? [{ reason: row.reason, label: SKIP_REASONS[row.reason], contacts: row.contacts }] : [],
      ),
    });
  });
}
