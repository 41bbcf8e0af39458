const STYLES = {
  messenger: { label: "Messenger", short: "FB", className: "bg-blue-100 text-blue-800" },
  instagram: { label: "Instagram", short: "IG", className: "bg-pink-100 text-pink-800" },
  whatsapp: { label: "WhatsApp", short: "WA", className: "bg-green-100 text-green-800" },
} as const;

export type Provider = keyof typeof STYLES;

/** "Messenger", "Instagram", "WhatsApp": how the UI names a channel's kind. */
export const providerName = (provider: Provider) => STYLES[provider].label;

export function ChannelBadge({ provider, long = false }: { provider: Provider; long?: boolean }) {
  const style = STYLES[provider];
  return (
    <span title={style.label} className={`inline-flex rounded px-1.5 py-0.5 text-[10px] font-semibold ${style.className}`}>
      {long ? style.label : style.short}
    </span>
  );
}

export function Avatar({ name, url }: { name: string | null; url: string | null }) {
  if (url) return <img src={url} alt="" className="h-9 w-9 shrink-0 rounded-full object-cover" />;
  const initials = (name ?? "?")
    .split(/\s+/)
    .map((word) => word[0])
    .join("")
    .slice(0, 2)
    .toUpperCase();
  return (
    <span
      aria-hidden
      className="flex h-9 w-9 shrink-0 items-center justify-center rounded-full bg-slate-200 text-xs font-semibold text-slate-600"
    >
      {initials || "?"}
    </span>
  );
}
