import type { SupabaseClient } from "@supabase/supabase-js";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import type { RealtimeSettings } from "../inbox/live-updates";
import { sessionToken } from "../inbox/session-token";
import { useTRPC } from "../trpc";

/**
 * Keeps the broadcasts pages current: the worker tells the workspace's Realtime topic when a broadcast moved (at most
 * once a second), and every broadcasts query is fetched again. The pages also poll while one is sending, in case the
 * socket is down.
 */
export function useBroadcastLive(workspaceId: string, project: RealtimeSettings | null) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!project) return;
    let stopped = false;
    let client: SupabaseClient | null = null;
    void import("@supabase/supabase-js").then(async ({ createClient }) => {
      if (stopped) return;
      const current = createClient(project.url, project.anonKey, { accessToken: sessionToken });
      client = current;
      await current.realtime.setAuth();
      if (stopped) return;
      current
        .channel(`workspace:${workspaceId}`, { config: { private: true } })
        .on("broadcast", { event: "broadcast_progress" }, () => {
          void queryClient.invalidateQueries({ queryKey: trpc.broadcasts.pathKey() });
        })
        .subscribe();
    });
    return () => {
      stopped = true;
      if (client) void client.removeAllChannels();
    };
  }, [workspaceId, project, queryClient, trpc]);
}
