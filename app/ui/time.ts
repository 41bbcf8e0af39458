/** "now", "5m", "3h", "Tue", "Mar 4": the compact times the conversation list shows. */
export function relativeTime(date: Date, now: Date = new Date()): string {
  const seconds = Math.max(0, (now.getTime() - date.getTime()) / 1000);
  if (seconds < 60) return "now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  if (seconds < 6 * 86_400) return date.toLocaleDateString(undefined, { weekday: "short" });
  return date.toLocaleDateString(undefined, { month: "short", day: "numeric" });
}

export function clockTime(date: Date): string {
  return date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

export function dayLabel(date: Date, now: Date = new Date()): string {
  const day = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const difference = (day(now) - day(date)) / 86_400_000;
  if (difference === 0) return "Today";
  if (difference === 1) return "Yesterday";
  return date.toLocaleDateString(undefined, { weekday: "long", month: "long", day: "numeric" });
}

/** "closes in 3h 20m" style countdown for the messaging window. */
export function untilLabel(date: Date, now: Date = new Date()): string {
  const minutes = Math.max(0, Math.round((date.getTime() - now.getTime()) / 60_000));
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** "just now", "5 min ago", "3 h ago", "on Tue", "on Mar 4": when something happened, in a sentence. */
export function sinceLabel(date: Date, now: Date = new Date()): string {
  const short = relativeTime(date, now);
  if (short === "now") return "just now";
  if (/^\d+m$/.test(short)) return `${short.slice(0, -1)} min ago`;
  if (/^\d+h$/.test(short)) return `${short.slice(0, -1)} h ago`;
  return `on ${short}`;
}
