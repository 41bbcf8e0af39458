import { z } from "zod";
import type { BroadcastStatus, RecipientStatus } from "../../supabase/functions/_shared/broadcast-states";
import type { ChannelProvider } from "../../supabase/functions/_shared/channel-providers";
import type { Tx } from "../db/client";

export {
  BROADCAST_STATUSES,
  type BroadcastStatus,
  RECIPIENT_STATUSES,
  type RecipientStatus,
  SKIP_REASONS,
  type SkipReason,
} from "../../supabase/functions/_shared/broadcast-states";

/** Who the broadcast is for: every condition given must hold (tags and stages: any of them). */
export const audienceSchema = z.object({
  tagIds: z.array(z.uuid()).max(50).default([]),
  /** Stage ids, or "none" for contacts outside the pipeline. */
  stageIds: z
    .array(z.union([z.uuid(), z.literal("none")]))
    .max(50)
    .default([]),
  lastInboundWithinDays: z.number().int().min(1).max(3650).nullable().default(null),
  fields: z
    .array(z.object({ fieldId: z.uuid(), value: z.union([z.string().max(500), z.number(), z.boolean()]) }))
    .max(10)
    .default([]),
});
export type BroadcastAudience = z.infer<typeof audienceSchema>;

export interface BroadcastChannel {
  id: string;
  provider: ChannelProvider;
  displayName: string;
  status: string;
}

export interface Broadcast {
  id: string;
  workspaceId: string;
  name: string;
  channel: BroadcastChannel;
  audience: BroadcastAudience;
  templateId: string | null;
  templateValues: Record<string, string>;
  body: string | null;
  fallbacks: Record<string, string>;
  status: BroadcastStatus;
  scheduledAt: Date | null;
  pausedReason: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Recipients per status; a status with none is absent. */
  counts: Partial<Record<RecipientStatus, number>>;
}

/** Every query for a broadcast `b` selects this. */
export const broadcastColumns = (tx: Tx) => tx`
  b.id, b.workspace_id as "workspaceId", b.name,
  jsonb_build_object('id', ca.id, 'provider', ca.provider, 'displayName', ca.display_name, 'status', ca.status) as channel,
  b.audience, b.template_id as "templateId", b.template_values as "templateValues", b.body, b.fallbacks, b.status,
  b.scheduled_at as "scheduledAt", b.paused_reason as "pausedReason", b.created_at as "createdAt",
  b.started_at as "startedAt", b.finished_at as "finishedAt",
  coalesce((select jsonb_object_agg(s.status, s.n) from (
              select r.status, count(*)::int as n from public.broadcast_recipients r where r.broadcast_id = b.id group by r.status
            ) s), '{}') as counts`;

/** The broadcast `b` with its channel `ca`. */
export const broadcastFrom = (tx: Tx) => tx`
  public.broadcasts b join public.channel_accounts ca on ca.id = b.channel_account_id`;

export async function loadBroadcast(tx: Tx, broadcastId: string): Promise<Broadcast | null> {
  const [row] = await tx<Broadcast[]>`select ${broadcastColumns(tx)} from ${broadcastFrom(tx)} where b.id = ${broadcastId}`;
  if (!row) return null;
  return { ...row, audience: audienceSchema.parse(row.audience) };
}
