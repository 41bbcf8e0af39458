import type { RealtimeChannel, SupabaseClient } from "@supabase/supabase-js";
import { type InfiniteData, type QueryKey, useQueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { ConversationPageResult, ConversationSummary, MessagePageResult, TeamMember } from "../api/types";
import { useTRPC } from "../trpc";
import {
  applyToList,
  applyToThread,
  type ConversationEvent,
  channelEventFrom,
  conversationEventsFrom,
  type ListFilters,
  messageEventFrom,
  patchChannelInList,
  patchSummary,
} from "./live-cache";
import { sessionToken } from "./session-token";

/**
 * Live inbox updates over Supabase Realtime (ADR 006, docs/architecture.md): one private channel for the workspace's
 * list, one for the open thread. Broadcasts patch the React Query cache; while a channel is down
 * the queries poll instead (the intervals below) and a rejoin refetches what was missed.
 */
export const LIST_POLL_MS = 10_000;
export const THREAD_POLL_MS = 4_000;
const RESUBSCRIBE_MS = 3_000;
const HEARTBEAT_MS = 5_000;
const REFETCH_COALESCE_MS = 250;

type LiveState = "connecting" | "live" | "offline";

interface Live {
  state: LiveState;
  client: SupabaseClient | null;
}

const LiveContext = createContext<Live>({ state: "offline", client: null });

export interface RealtimeSettings {
  url: string;
  anonKey: string;
}

/** The Supabase project's URL and anon key, for what the browser calls directly: Realtime, and Storage uploads. */
const ProjectContext = createContext<RealtimeSettings | null>(null);
export const useSupabaseProject = () => useContext(ProjectContext);

/** Collects keys that only a refetch can bring up to date, and refetches each once per burst. */
function useCoalescedRefetch() {
  const queryClient = useQueryClient();
  const pending = useRef(new Map<string, QueryKey>());
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(timer.current), []);
  return (key: QueryKey) => {
    pending.current.set(JSON.stringify(key), key);
    timer.current ??= setTimeout(() => {
      timer.current = undefined;
      const keys = [...pending.current.values()];
      pending.current.clear();
      for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey, exact: true });
    }, REFETCH_COALESCE_MS);
  };
}

/** A channel's new status, in every cached conversation that goes through it (the thread's banner, the list). */
function patchChannelStatus(
  queryClient: ReturnType<typeof useQueryClient>,
  trpc: ReturnType<typeof useTRPC>,
  changed: { id: string; status: ConversationSummary["channel"]["status"] },
) {
  queryClient.setQueriesData<{ success: boolean; data?: ConversationSummary }>(
    { queryKey: trpc.conversations.get.pathKey() },
    (old) =>
      old?.success && old.data && old.data.channel.id === changed.id
        ? { ...old, data: { ...old.data, channel: { ...old.data.channel, status: changed.status } } }
        : old,
  );
  queryClient.setQueriesData<InfiniteData<ConversationPageResult>>({ queryKey: trpc.conversations.list.pathKey() }, (data) =>
    data ? patchChannelInList(data, changed) : data,
  );
}

export function LiveUpdates({
  realtime,
  workspaceId,
  userId,
  children,
}: {
  realtime: RealtimeSettings;
  workspaceId: string;
  userId: string;
  children: React.ReactNode;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refetchSoon = useCoalescedRefetch();
  const [live, setLive] = useState<Live>({ state: "connecting", client: null });
  const onConversation = useRef<(event: ConversationEvent) => void>(() => {});

  onConversation.current = (event) => {
    const team = queryClient.getQueryData(trpc.team.list.queryKey({ workspaceId }));
    const assigneeFor = (id: string | null, current: ConversationSummary["assignee"]) => {
      if (id === null) return null;
      if (current?.id === id) return current;
      const member = team?.success ? team.data.find((m: TeamMember) => m.userId === id) : undefined;
      return { id, name: member?.name ?? null, email: member?.email ?? null };
    };
    const lists = queryClient.getQueriesData<InfiniteData<ConversationPageResult>>({
      queryKey: trpc.conversations.list.pathKey(),
    });
    for (const [key, data] of lists) {
      if (!data) continue;
      const filters = (key[1] as { input?: ListFilters } | undefined)?.input;
      if (!filters) continue;
      const outcome = applyToList(data, filters, event, { userId, assigneeFor });
      if (outcome.kind === "patched") queryClient.setQueryData(key, outcome.data);
      else if (outcome.kind === "refetch") refetchSoon(key);
    }
    // The unread total in the header and the tab title counts from the server (a change may be anywhere).
    refetchSoon(trpc.conversations.unreadTotal.queryKey({ workspaceId }));
    const getKey = trpc.conversations.get.queryKey({ conversationId: event.id });
    const open = queryClient.getQueryData(getKey);
    if (open?.success) {
      const assignee = assigneeFor(event.assigneeId, open.data.assignee);
      queryClient.setQueryData(getKey, (old) => (old?.success ? { ...old, data: patchSummary(old.data, event, assignee) } : old));
      // The reply window is computed by the server from the last inbound message and Meta's refusals.
      const sameTime = (a: Date | null, b: Date | null) => a?.getTime() === b?.getTime();
      if (!sameTime(open.data.lastInboundAt, event.lastInboundAt) || !sameTime(open.data.windowClosedAt, event.windowClosedAt)) {
        refetchSoon(getKey);
      }
    }
  };

  useEffect(() => {
    let stopped = false;
    let client: SupabaseClient | null = null;
    let channel: RealtimeChannel | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let wasLive = false;

    const subscribe = async (current: SupabaseClient) => {
      // Join with the user's token in hand; a join sent before it resolves would carry the anon key.
      await current.realtime.setAuth();
      if (stopped) return;
      const mine = current.channel(`workspace:${workspaceId}`, { config: { private: true } });
      channel = mine;
      mine
        .on("broadcast", { event: "conversations" }, ({ payload }) => {
          for (const event of conversationEventsFrom(payload)) onConversation.current(event);
        })
        // A channel's health changed (reconnect needed, reconnected): the banners follow at once.
        .on("broadcast", { event: "channel" }, ({ payload }) => {
          void queryClient.invalidateQueries({ queryKey: trpc.channels.list.pathKey() });
          const changed = channelEventFrom(payload);
          if (changed) patchChannelStatus(queryClient, trpc, changed);
        })
        .subscribe((status) => {
          if (stopped || channel !== mine) return;
          if (status === "SUBSCRIBED") {
            // Anything that changed while we were away is fetched once, then patches take over.
            if (wasLive) void queryClient.invalidateQueries({ queryKey: trpc.conversations.pathKey() });
            wasLive = true;
            setLive({ state: "live", client: current });
            return;
          }
          setLive({ state: "offline", client: current });
          // realtime-js rejoins after errors by itself; a closed channel (token refused) needs a new join.
          if (status === "CLOSED") {
            channel = null;
            void current.removeChannel(mine);
            retry = setTimeout(() => void subscribe(current), RESUBSCRIBE_MS);
          }
        });
    };

    void import("@supabase/supabase-js").then(({ createClient }) => {
      if (stopped) return;
      client = createClient(realtime.url, realtime.anonKey, {
        accessToken: sessionToken,
        // A dead connection shows as Offline within seconds, not after realtime-js's default 25 s heartbeat.
        realtime: { heartbeatIntervalMs: HEARTBEAT_MS },
      });
      void subscribe(client);
    });
    // The browser knows first when the network goes: say so at once (realtime-js reconnects by itself after).
    const onOffline = () => setLive((current) => ({ ...current, state: "offline" }));
    // Back online with the socket still joined (it never noticed): live again, after fetching what was missed.
    const onOnline = () => {
      if (channel?.state !== "joined" || !client) return;
      void queryClient.invalidateQueries({ queryKey: trpc.conversations.pathKey() });
      setLive({ state: "live", client });
    };
    window.addEventListener("offline", onOffline);
    window.addEventListener("online", onOnline);
    return () => {
      stopped = true;
      clearTimeout(retry);
      window.removeEventListener("offline", onOffline);
      window.removeEventListener("online", onOnline);
      if (client) void client.removeAllChannels();
    };
  }, [realtime.url, realtime.anonKey, workspaceId, queryClient, trpc]);

  return (
    <LiveContext.Provider value={live}>
      <ProjectContext.Provider value={realtime}>{children}</ProjectContext.Provider>
    </LiveContext.Provider>
  );
}

/** The page's Realtime client once connected (null before, or without a workspace). */
export const useLiveClient = () => useContext(LiveContext).client;

/** Whether the workspace channel is up: lists poll only while it is not. */
export function useLiveState(): LiveState {
  return useContext(LiveContext).state;
}

/** Subscribes to one conversation's messages while it is open; true while they arrive live. */
export function useLiveThread(conversationId: string): boolean {
  const { client, state } = useContext(LiveContext);
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [threadLive, setThreadLive] = useState(false);

  useEffect(() => {
    if (!client) return;
    let active = true;
    let wasLive = false;
    const isThisThread = {
      queryKey: trpc.messages.list.pathKey(),
      predicate: (query: { queryKey: QueryKey }) => {
        const input = (query.queryKey[1] as { input?: { conversationId?: string } } | undefined)?.input;
        return input?.conversationId === conversationId;
      },
    };
    const channel = client
      .channel(`conversation:${conversationId}`, { config: { private: true } })
      .on("broadcast", { event: "message" }, ({ payload }) => {
        const message = messageEventFrom(payload);
        if (!message || message.conversationId !== conversationId) return;
        queryClient.setQueriesData<InfiniteData<MessagePageResult>>(isThisThread, (data) =>
          data ? applyToThread(data, message) : data,
        );
      })
      .subscribe((status) => {
        if (!active) return;
        if (status === "SUBSCRIBED" && wasLive) void queryClient.invalidateQueries(isThisThread);
        if (status === "SUBSCRIBED") wasLive = true;
        setThreadLive(status === "SUBSCRIBED");
      });
    return () => {
      active = false;
      setThreadLive(false);
      void client.removeChannel(channel);
    };
  }, [client, conversationId, queryClient, trpc]);

  return threadLive && state === "live";
}

/** Whether the browser says it has no network: a reply waits for it instead of failing. */
export function useOffline(): boolean {
  return useSyncExternalStore(
    (onChange) => {
      window.addEventListener("online", onChange);
      window.addEventListener("offline", onChange);
      return () => {
        window.removeEventListener("online", onChange);
        window.removeEventListener("offline", onChange);
      };
    },
    () => !navigator.onLine,
    () => false,
  );
}

export function LiveIndicator() {
  const state = useLiveState();
  const dot = state === "live" ? "bg-emerald-600" : state === "connecting" ? "bg-slate-500" : "bg-amber-600";
  return (
    <span role="status" data-testid="live-status" data-state={state} className="flex items-center gap-1.5 text-xs text-slate-700">
      <span aria-hidden className={`h-2 w-2 rounded-full ${dot}`} />
      {state === "live" ? "Live" : state === "connecting" ? "Connecting…" : "Offline"}
      {state === "offline" ? <span className="hidden sm:inline"> · checking every 10 s</span> : null}
    </span>
  );
}
