import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../trpc";
import { useTitleCount } from "../ui/tab-title";
import { LIST_POLL_MS, useLiveState } from "./live-updates";

/** The server stops counting past this (conversations.unreadTotal); more shows as "999+". */
const COUNT_CAP = 999;

/** How many conversations wait to be read, in the header and the browser tab's title. */
export function UnreadTotal({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const live = useLiveState() === "live";
  const total = useQuery({
    ...trpc.conversations.unreadTotal.queryOptions({ workspaceId }),
    refetchInterval: live ? false : LIST_POLL_MS,
  });
  const count = total.data?.success ? total.data.data : 0;
  const label = count > COUNT_CAP ? `${COUNT_CAP}+` : String(count);
  useTitleCount("unread", count > 0 ? label : null);
  if (count === 0) return null;
  return (
    <span
      data-testid="unread-total"
      className="whitespace-nowrap rounded-full bg-indigo-700 px-2 py-0.5 text-xs font-semibold text-white"
    >
      {label} unread
    </span>
  );
}
