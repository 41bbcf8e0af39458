import { randomUUID } from "node:crypto";
import { type Channel, type Connection, send, type UserBroadcast } from "./realtime-frames";

type Subscriber = { connection: Connection; channel: Channel };
type Meta = Record<string, unknown> & { phx_ref: string };

/**
 * What clients say to each other on a topic, as Supabase Realtime relays it: presence (`track`/`untrack`, answered
 * with `presence_state` on join and `presence_diff` to everyone on the topic; a closed socket leaves) and their own
 * broadcasts (fanned out to the topic's other subscribers, or to the sender too with `broadcast.self`). Only what
 * the `realtime.messages` INSERT policy allowed at the join is relayed.
 */
export function createClientSignals(subscribersOf: (topic: string) => Iterable<Subscriber>) {
  /** Per topic: each channel's tracked presence. */
  const tracked = new Map<string, Map<Channel, { key: string; meta: Meta }>>();

  const toAll = (topic: string, event: string, payload: Record<string, unknown>) => {
    for (const { connection, channel } of subscribersOf(topic)) {
      send(connection, { joinRef: channel.joinRef, ref: null, topic: channel.fullTopic, event, payload });
    }
  };
  const grouped = (entries: Iterable<{ key: string; meta: Meta }>) => {
    const state: Record<string, { metas: Meta[] }> = {};
    for (const { key, meta } of entries) {
      const entry = state[key] ?? { metas: [] };
      entry.metas.push(meta);
      state[key] = entry;
    }
    return state;
  };
  const untrack = (channel: Channel) => {
    const here = tracked.get(channel.name);
    const previous = here?.get(channel);
    if (!here || !previous) return;
    here.delete(channel);
    if (here.size === 0) tracked.delete(channel.name);
    toAll(channel.name, "presence_diff", { joins: {}, leaves: grouped([previous]) });
  };

  return {
    /** After a join: who is here already. */
    joined(connection: Connection, channel: Channel) {
      const here = tracked.get(channel.name)?.values() ?? [];
      send(connection, {
        joinRef: channel.joinRef,
        ref: null,
        topic: channel.fullTopic,
        event: "presence_state",
        payload: grouped(here),
      });
    },

    /** `{type: "presence", event: "track" | "untrack", payload}`: true when it was allowed. */
    presence(channel: Channel, event: unknown, payload: unknown): boolean {
      if (!channel.mayWrite.presence) return false;
      if (event === "untrack") {
        untrack(channel);
        return true;
      }
      const here = tracked.get(channel.name) ?? new Map<Channel, { key: string; meta: Meta }>();
      tracked.set(channel.name, here);
      const previous = here.get(channel);
      const next = { key: channel.presenceKey, meta: { ...(payload as Record<string, unknown>), phx_ref: randomUUID() } };
      here.set(channel, next);
      toAll(channel.name, "presence_diff", { joins: grouped([next]), leaves: previous ? grouped([previous]) : {} });
      return true;
    },

    /** A channel went (left, shut, or its socket closed): its presence leaves with it. */
    left: untrack,

    /** A client's broadcast on a channel it joined: true when it was allowed and relayed. */
    broadcast(sender: Channel, message: UserBroadcast): boolean {
      if (!sender.mayWrite.broadcast) return false;
      for (const { connection, channel } of subscribersOf(sender.name)) {
        if (channel === sender && !sender.self) continue;
        send(connection, {
          joinRef: null,
          ref: null,
          topic: channel.fullTopic,
          event: "broadcast",
          payload: { type: "broadcast", event: message.event, payload: message.payload },
        });
      }
      return true;
    },
  };
}
