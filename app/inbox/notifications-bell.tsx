import { Link } from "@remix-run/react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { NotificationPreferences } from "../api/types";
import { useTRPC } from "../trpc";
import { useTitleCount } from "../ui/tab-title";
import { relativeTime } from "../ui/time";
import { notificationText, useNotificationAlerts } from "./notification-alerts";

/** Checked often enough that a mention is seen within moments, cheap enough for every open inbox. */
const NOTIFICATIONS_POLL_MS = 15_000;

const CHOICES: [keyof NotificationPreferences, string][] = [
  ["assigned", "When someone assigns me a conversation"],
  ["mentioned", "When someone mentions me in a note"],
  ["newMessage", "When a member writes in a conversation assigned to me"],
  ["desktop", "Show desktop notifications while Frontdesk is in the background"],
  ["sound", "Play a sound"],
];

/** The header's bell: how many notifications are unread, the newest ones, marking them read, and what notifies you. */
export function NotificationsBell({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [choosing, setChoosing] = useState(false);
  const list = useQuery({
    ...trpc.notifications.list.queryOptions({ workspaceId }),
    refetchInterval: NOTIFICATIONS_POLL_MS,
  });
  const preferences = useQuery(trpc.notifications.preferences.queryOptions());
  const data = list.data?.success ? list.data.data : undefined;
  const prefs = preferences.data?.success ? preferences.data.data : undefined;
  useNotificationAlerts(data?.items, prefs);
  const unread = data?.unread ?? 0;
  useTitleCount("notifications", unread > 0 ? String(unread) : null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.notifications.list.pathKey() });
  const markRead = useMutation(trpc.notifications.markRead.mutationOptions({ onSettled: refresh }));
  const save = useMutation(
    trpc.notifications.savePreferences.mutationOptions({
      onSettled: () => void queryClient.invalidateQueries({ queryKey: trpc.notifications.preferences.queryKey() }),
    }),
  );
  const choose = (key: keyof NotificationPreferences, value: boolean) => {
    if (!prefs) return;
    // Desktop notifications need the browser's permission, asked for when they are turned on.
    if (key === "desktop" && value && "Notification" in window && Notification.permission === "default") {
      void Notification.requestPermission();
    }
    save.mutate({ ...prefs, [key]: value });
  };

  return (
    <div className="relative">
      <button
        type="button"
        aria-expanded={open}
        aria-label={unread > 0 ? `Notifications, ${unread} unread` : "Notifications"}
        data-testid="notifications-button"
        onClick={() => setOpen((value) => !value)}
        className="relative rounded-md border border-slate-400 px-2 py-1.5 hover:bg-slate-100"
      >
        <span aria-hidden>🔔</span>
        {unread > 0 ? (
          <span
            data-testid="notifications-unread"
            className="absolute -right-1.5 -top-1.5 rounded-full bg-red-700 px-1.5 text-xs font-semibold text-white"
          >
            {unread > 99 ? "99+" : unread}
          </span>
        ) : null}
      </button>
      {open ? (
        <section
          aria-label="Notifications"
          className="absolute right-0 z-20 mt-2 w-96 max-w-[calc(100vw-1.5rem)] whitespace-normal rounded-lg border border-slate-200 bg-white text-sm shadow-xl"
        >
          <div className="flex items-center justify-between border-b border-slate-200 px-3 py-2">
            <h2 className="font-medium">Notifications</h2>
            <div className="flex gap-3 text-xs">
              {unread > 0 ? (
                <button type="button" onClick={() => markRead.mutate({})} className="text-indigo-700 underline">
                  Mark all read
                </button>
              ) : null}
              <button type="button" aria-expanded={choosing} onClick={() => setChoosing((value) => !value)} className="underline">
                What notifies me
              </button>
            </div>
          </div>
          {choosing && prefs ? (
            <fieldset className="space-y-1 border-b border-slate-200 px-3 py-2">
              <legend className="sr-only">What notifies me</legend>
              {CHOICES.map(([key, label]) => (
                <label key={key} className="flex items-center gap-2">
                  <input type="checkbox" checked={prefs[key]} onChange={(event) => choose(key, event.target.checked)} />
                  {label}
                </label>
              ))}
            </fieldset>
          ) : null}
          {list.isPending ? <p className="px-3 py-4 text-slate-600">Loading…</p> : null}
          {data && data.items.length === 0 ? <p className="px-3 py-4 text-slate-700">Nothing yet.</p> : null}
          {list.data && !list.data.success ? <p className="px-3 py-4 text-red-800">{list.data.error.message}</p> : null}
          <ul className="max-h-96 divide-y divide-slate-100 overflow-y-auto">
            {data?.items.map((item) => (
              <li key={item.id} data-testid="notification" data-read={item.read}>
                <Link
                  to={`/inbox/${item.conversationId}`}
                  onClick={() => {
                    if (!item.read) markRead.mutate({ ids: [item.id] });
                    setOpen(false);
                  }}
                  className={`block px-3 py-2 hover:bg-slate-50 ${item.read ? "text-slate-600" : "font-medium text-slate-900"}`}
                >
                  {notificationText(item)}
                  <span className="block text-xs font-normal text-slate-600">{relativeTime(item.at)}</span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
