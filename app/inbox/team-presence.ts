import type { RealtimeChannel } from "@supabase/supabase-js";
import { useCallback, useEffect, useRef, useState } from "react";
import { useLiveClient } from "./live-updates";

/** Someone else on the team, here or typing. */
export interface Teammate {
  userId: string;
  name: string;
}

/** How long "is typing…" lasts after the last keystroke heard, and how often one's own typing is announced. */
const TYPING_SHOWN_MS = 4_000;
const TYPING_EVERY_MS = 2_000;

type Typing = Teammate & { note: boolean; until: number };

const typingFrom = (payload: unknown): Omit<Typing, "until"> | null => {
  const value = payload as Partial<Record<keyof Typing, unknown>> | null;
  if (typeof value?.userId !== "string" || typeof value.name !== "string") return null;
  return { userId: value.userId, name: value.name.slice(0, 100), note: value.note === true };
};

/**
 * Who else on the team has this conversation open (Realtime presence, keyed by user, so several tabs are one
 * person), who is writing in it (their own broadcasts, at most every 2 s), and a way to say one is writing too. On
 * `team:conversation:<id>`: only the workspace's members may join it (ADR 026).
 */
export function useTeamPresence(conversationId: string, me: Teammate | null) {
  const client = useLiveClient();
  const [others, setOthers] = useState<Teammate[]>([]);
  const [typing, setTyping] = useState<Typing[]>([]);
  const channel = useRef<RealtimeChannel | null>(null);
  const lastAnnounced = useRef(0);
  const userId = me?.userId;
  const name = me?.name;

  useEffect(() => {
    if (!client || !userId || !name) return;
    const joined = client.channel(`team:conversation:${conversationId}`, {
      config: { private: true, presence: { key: userId } },
    });
    joined
      .on("presence", { event: "sync" }, () => {
        const state = joined.presenceState<{ name?: string }>();
        setOthers(
          Object.entries(state)
            .filter(([key]) => key !== userId)
            .map(([key, metas]) => ({ userId: key, name: metas[0]?.name ?? "A teammate" })),
        );
      })
      .on("broadcast", { event: "typing" }, ({ payload }) => {
        const heard = typingFrom(payload);
        if (!heard || heard.userId === userId) return;
        setTyping((list) => [
          ...list.filter((t) => t.userId !== heard.userId),
          { ...heard, until: Date.now() + TYPING_SHOWN_MS },
        ]);
      })
      .subscribe((status) => {
        if (status === "SUBSCRIBED") void joined.track({ name });
      });
    channel.current = joined;
    return () => {
      channel.current = null;
      setOthers([]);
      setTyping([]);
      void client.removeChannel(joined);
    };
  }, [client, conversationId, userId, name]);

  const anyoneTyping = typing.length > 0;
  useEffect(() => {
    if (!anyoneTyping) return;
    const timer = setInterval(() => setTyping((list) => list.filter((t) => t.until > Date.now())), 1_000);
    return () => clearInterval(timer);
  }, [anyoneTyping]);

  const announceTyping = useCallback(
    (note: boolean) => {
      const now = Date.now();
      if (!userId || !name || now - lastAnnounced.current < TYPING_EVERY_MS) return;
      lastAnnounced.current = now;
      void channel.current?.send({ type: "broadcast", event: "typing", payload: { userId, name, note } });
    },
    [userId, name],
  );

  return { others, typing, announceTyping };
}

/** "Casey is typing a reply…", "Casey and Sam are writing notes…". */
export function typingLine(typing: Typing[]): string | null {
  if (typing.length === 0) return null;
  const names = typing.map((t) => t.name);
  const who = names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
  const what = typing.every((t) => t.note) ? "a note" : "a reply";
  return `${who} ${names.length === 1 ? "is" : "are"} writing ${what}…`;
}
