import { useQuery } from "@tanstack/react-query";
import type { Message } from "../api/types";
import { useTRPC } from "../trpc";

/** Signed URLs last ten minutes (server/services/media-urls.ts); they are asked for again before they end. */
const REFRESH_MS = 8 * 60_000;

/**
 * Signed URLs for the stored media of the messages on screen, one batch for all of them: a new photo (a live update)
 * changes the set and brings one more batch. `undefined` while loading, `null` when Storage refused it.
 */
export function useMediaUrls(conversationId: string, messages: Message[]) {
  const trpc = useTRPC();
  const paths = [...new Set(messages.flatMap((m) => m.attachments.flatMap((a) => (a.storedPath ? [a.storedPath] : []))))].sort();
  const urls = useQuery({
    ...trpc.messages.mediaUrls.queryOptions({ conversationId, paths }),
    enabled: paths.length > 0,
    staleTime: REFRESH_MS,
    refetchInterval: REFRESH_MS,
    placeholderData: (previous) => previous,
  });
  const signed = urls.data?.success ? urls.data.data : {};
  return (path: string): string | null | undefined => (path in signed ? signed[path] : undefined);
}
