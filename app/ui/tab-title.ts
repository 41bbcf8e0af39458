import { useLocation } from "@remix-run/react";
import { useEffect } from "react";

/** What the tab's title counts, in this order: unread conversations, unread notifications. */
const counts = new Map<"unread" | "notifications", string>();
const PREFIX = /^(\(\d+\+?\) )?(🔔\d+\+? )?/;

function apply() {
  const base = document.title.replace(PREFIX, "");
  const unread = counts.get("unread");
  const notifications = counts.get("notifications");
  document.title = `${unread ? `(${unread}) ` : ""}${notifications ? `🔔${notifications} ` : ""}${base}`;
}

/** Puts a count in front of the tab's title (none when zero); a navigation's new title gets it again. */
export function useTitleCount(key: "unread" | "notifications", label: string | null) {
  const location = useLocation();
  // biome-ignore lint/correctness/useExhaustiveDependencies: a navigation sets the route's own title; the counts go back in front.
  useEffect(() => {
    if (label) counts.set(key, label);
    else counts.delete(key);
    apply();
  }, [key, label, location.pathname]);
  useEffect(
    () => () => {
      counts.delete(key);
      apply();
    },
    [key],
  );
}
