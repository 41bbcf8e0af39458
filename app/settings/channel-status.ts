export const STATUS_LABELS = { active: "Active", needs_reconnect: "Needs reconnecting", disconnected: "Disconnected" } as const;
