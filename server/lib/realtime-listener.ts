import type { SupabaseClient } from "@supabase/supabase-js";

export type JoinOutcome = "joined" | "refused" | "timed out";

const JOIN_TIMEOUT_MS = 10_000;

/**
 * Joins a private broadcast topic as the holder of `accessToken`, as a browser does; `onBroadcast` hears `event`.
 * "refused" is Realtime's authorization saying no (our policy on realtime.messages).
 */
export async function joinPrivateTopic(
  supabase: SupabaseClient,
  accessToken: string,
  topic: string,
  listen?: { event: string; onBroadcast: (payload: Record<string, unknown>) => void },
): Promise<JoinOutcome> {
  await supabase.realtime.setAuth(accessToken);
  const channel = supabase.channel(topic, { config: { private: true } });
  if (listen) channel.on("broadcast", { event: listen.event }, (message) => listen.onBroadcast(message.payload ?? {}));
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve("timed out"), JOIN_TIMEOUT_MS);
    channel.subscribe((status) => {
      if (status === "SUBSCRIBED" || status === "CHANNEL_ERROR" || status === "TIMED_OUT") {
        clearTimeout(timer);
        resolve(status === "SUBSCRIBED" ? "joined" : status === "CHANNEL_ERROR" ? "refused" : "timed out");
      }
    });
  });
}

/** Leaves every topic and closes the socket. */
export async function closeRealtime(supabase: SupabaseClient): Promise<void> {
  await supabase.removeAllChannels();
  supabase.realtime.disconnect();
}
