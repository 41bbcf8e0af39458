/**
 * When Meta lets a business reply: Messenger and Instagram within 24 h of the member's last message
 * (up to 7 days with the HUMAN_AGENT tag, when the workspace enables it); WhatsApp within 24 h, then
 * only approved templates.
 */
export type ChannelProvider = "messenger" | "instagram" | "whatsapp";

export type MessagingWindow =
  | { state: "open"; closesAt: Date }
  | { state: "human_agent"; closesAt: Date }
  | { state: "closed"; closedAt: Date | null; reason: "no_inbound" | "expired" | "template_required" };

const HOUR_MS = 3_600_000;
const STANDARD_WINDOW_MS = 24 * HOUR_MS;
const HUMAN_AGENT_WINDOW_MS = 7 * 24 * HOUR_MS;

export function messagingWindow(
  provider: ChannelProvider,
  lastInboundAt: Date | null,
  humanAgentEnabled: boolean,
  now: Date = new Date(),
): MessagingWindow {
  if (!lastInboundAt) return { state: "closed", closedAt: null, reason: "no_inbound" };
  const standardEnd = new Date(lastInboundAt.getTime() + STANDARD_WINDOW_MS);
  if (now < standardEnd) return { state: "open", closesAt: standardEnd };
  if (provider === "whatsapp") return { state: "closed", closedAt: standardEnd, reason: "template_required" };
  const humanAgentEnd = new Date(lastInboundAt.getTime() + HUMAN_AGENT_WINDOW_MS);
  if (humanAgentEnabled && now < humanAgentEnd) return { state: "human_agent", closesAt: humanAgentEnd };
  return { state: "closed", closedAt: humanAgentEnabled ? humanAgentEnd : standardEnd, reason: "expired" };
}
