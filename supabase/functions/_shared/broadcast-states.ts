/**
 * A broadcast's and a recipient's states, and the reasons a recipient is skipped or a broadcast paused, as Postgres
 * stores them (…_broadcasts.sql's checks; dev/postgres/sql-shapes.test.ts compares them), in staff's words.
 */
export const BROADCAST_STATUSES = ["draft", "scheduled", "sending", "paused", "done", "cancelled"] as const;
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number];

export const RECIPIENT_STATUSES = ["queued", "sending", "sent", "delivered", "read", "replied", "skipped", "failed"] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];

/** Why a contact of the audience is not sent the broadcast (app.broadcast_audience, a cancel). */
export const SKIP_REASONS = {
  opted_out: "Opted out of marketing",
  no_identity: "Has not written on this channel",
  window_closed: "Outside the 24-hour window",
  over_daily_limit: "Over the number's daily limit",
  cancelled: "Broadcast cancelled",
} as const;
export type SkipReason = keyof typeof SKIP_REASONS;

/** Why a broadcast is paused (app.change_broadcast, app.begin_broadcast, the worker). */
export const PAUSE_REASONS: Record<string, string> = {
  paused_by_staff: "Paused by staff.",
  channel_needs_reconnect: "Paused: Meta refused the channel's token. Reconnect it in Settings, then resume.",
  template_not_approved: "Paused: the template is no longer approved by Meta.",
  no_message: "Paused: the broadcast has no message.",
};
