import { z } from "zod";
import type { ChannelProvider } from "../../supabase/functions/_shared/channel-providers";

/**
 * When Meta lets a business reply: Messenger and Instagram within 24 h of the member's last message
 * (up to 7 days with the HUMAN_AGENT tag, when the workspace enables it); WhatsApp within 24 h, then
 * only approved templates.
 */
export const messagingWindowSchema = z.discriminatedUnion("state", [
  z.object({ state: z.literal("open"), closesAt: z.date() }),
  /** Messenger/Instagram past 24 h: replies go with the HUMAN_AGENT tag until day 7. */
  z.object({ state: z.literal("human_agent"), closesAt: z.date() }),
  z.object({
    state: z.literal("closed"),
    closedAt: z.date().nullable(),
    /** reengagement_required: Meta refused a reply for the window (131047, 10, 2018278) after the member's last message. */
    reason: z.enum(["no_inbound", "expired", "template_required", "reengagement_required"]),
  }),
]);
export type MessagingWindow = z.infer<typeof messagingWindowSchema>;

export interface WindowFacts {
  provider: ChannelProvider;
  lastInboundAt: Date | null;
  humanAgentEnabled: boolean;
  /** When Meta last refused a reply because the window had closed (conversations.window_closed_at). */
  refusedAt: Date | null;
}

const HOUR_MS = 3_600_000;
const STANDARD_WINDOW_MS = 24 * HOUR_MS;
const HUMAN_AGENT_WINDOW_MS = 7 * 24 * HOUR_MS;

export function messagingWindow(facts: WindowFacts, now: Date = new Date()): MessagingWindow {
  const { provider, lastInboundAt, humanAgentEnabled, refusedAt } = facts;
  if (!lastInboundAt) return { state: "closed", closedAt: null, reason: "no_inbound" };
  // Meta's answer is the truth: closed until the member writes again, whatever our clock says.
  if (refusedAt && refusedAt >= lastInboundAt) return { state: "closed", closedAt: refusedAt, reason: "reengagement_required" };
  const standardEnd = new Date(lastInboundAt.getTime() + STANDARD_WINDOW_MS);
  if (now < standardEnd) return { state: "open", closesAt: standardEnd };
  if (provider === "whatsapp") return { state: "closed", closedAt: standardEnd, reason: "template_required" };
  const humanAgentEnd = new Date(lastInboundAt.getTime() + HUMAN_AGENT_WINDOW_MS);
  if (humanAgentEnabled && now < humanAgentEnd) return { state: "human_agent", closesAt: humanAgentEnd };
  return { state: "closed", closedAt: humanAgentEnabled ? humanAgentEnd : standardEnd, reason: "expired" };
}
