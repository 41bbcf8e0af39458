/** The channels a gym connects; the SQL enum public.channel_provider holds exactly these (a test checks). */
export const CHANNEL_PROVIDERS = ["messenger", "instagram", "whatsapp"] as const;
export type ChannelProvider = (typeof CHANNEL_PROVIDERS)[number];

/** How messages to staff name each channel. */
export const PROVIDER_NAMES: Record<ChannelProvider, string> = {
  messenger: "Messenger",
  instagram: "Instagram",
  whatsapp: "WhatsApp",
};

/** A channel's health; public.channel_status holds exactly these. */
export const CHANNEL_STATUSES = ["active", "needs_reconnect", "disconnected"] as const;
export type ChannelStatus = (typeof CHANNEL_STATUSES)[number];
