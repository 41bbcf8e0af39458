import { useEffect, useRef } from "react";
import type { NotificationList, NotificationPreferences } from "../api/types";

type Item = NotificationList["items"][number];

/** What a notification says, the same in the list and on the desktop. */
export function notificationText(item: Item): string {
  const member = item.contactName ?? "a member";
  switch (item.kind) {
    case "assigned":
      return `${item.actorName ?? "A teammate"} assigned you the conversation with ${member}`;
    case "mentioned":
      return `${item.actorName ?? "A teammate"} mentioned you in a note on ${member}`;
    default:
      return `New message from ${member} in your conversation`;
  }
}

/** A short two-tone chime, made on the spot (no sound file to load). */
function chime() {
  const audio = new AudioContext();
  for (const [frequency, at] of [
    [880, 0],
    [1320, 0.12],
  ] as const) {
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = frequency;
    gain.gain.setValueAtTime(0.08, audio.currentTime + at);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + at + 0.25);
    tone.connect(gain).connect(audio.destination);
    tone.start(audio.currentTime + at);
    tone.stop(audio.currentTime + at + 0.25);
  }
  setTimeout(() => void audio.close(), 1000);
}

/**
 * When notifications arrive that were not there before: a desktop notification (if the user chose it and the
 * browser allows it) while the tab is in the background, and a chime if they chose one. The first load is not news.
 */
export function useNotificationAlerts(items: Item[] | undefined, preferences: NotificationPreferences | undefined) {
  const seen = useRef<Set<string> | null>(null);
  useEffect(() => {
    if (!items) return;
    const known = seen.current;
    seen.current = new Set(items.map((item) => item.id));
    if (!known || !preferences) return;
    const fresh = items.filter((item) => !item.read && !known.has(item.id));
    if (fresh.length === 0) return;
    if (preferences.sound) {
      try {
        chime();
      } catch {
        // No audio here (or not allowed yet): the count still shows.
      }
    }
    if (preferences.desktop && document.hidden && "Notification" in window && Notification.permission === "granted") {
      const newest = fresh[0];
      if (newest) new Notification("Frontdesk", { body: notificationText(newest), tag: `frontdesk-${newest.id}` });
    }
  }, [items, preferences]);
}
