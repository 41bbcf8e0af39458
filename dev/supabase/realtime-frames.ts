import type { WebSocket } from "ws";

/** Phoenix frames as Realtime speaks them, and the socket and channels they travel on (dev/supabase/realtime.ts). */
export type Frame = {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: Record<string, unknown>;
};

/** A client's own broadcast (realtime-js sends it as a binary "user broadcast push", kind 3). */
export interface UserBroadcast {
  joinRef: string;
  ref: string;
  topic: string;
  event: string;
  payload: unknown;
}

/** Reads realtime-js's binary user broadcast push: kind, five lengths, the payload's encoding, the fields, the payload. */
export function decodeUserBroadcast(buffer: Buffer): UserBroadcast | null {
  if (buffer.length < 7 || buffer[0] !== 3) return null;
  const lengths = [buffer[1] ?? 0, buffer[2] ?? 0, buffer[3] ?? 0, buffer[4] ?? 0, buffer[5] ?? 0];
  const encoding = buffer[6];
  let offset = 7;
  const [joinRef, ref, topic, event, _metadata] = lengths.map((length) => {
    const field = buffer.toString("utf8", offset, offset + length);
    offset += length;
    return field;
  });
  try {
    const payload = encoding === 1 ? JSON.parse(buffer.toString("utf8", offset)) : null;
    return { joinRef: joinRef ?? "", ref: ref ?? "", topic: topic ?? "", event: event ?? "", payload };
  } catch {
    return null;
  }
}

export interface Channel {
  /** The name `realtime.topic()` sees: the client's topic without `realtime:`. */
  name: string;
  fullTopic: string;
  joinRef: string | null;
  isPrivate: boolean;
  expiry?: NodeJS.Timeout;
  /** Whose presence this channel tracks under (the join's `presence.key`, else one made up). */
  presenceKey: string;
  /** Whether the sender gets its own broadcasts back (`broadcast.self`). */
  self: boolean;
  /** What the `realtime.messages` INSERT policy lets the joiner send: checked once, at the join, as Realtime does. */
  mayWrite: { broadcast: boolean; presence: boolean };
}

export interface Connection {
  socket: WebSocket;
  vsn: "1.0.0" | "2.0.0";
  channels: Map<string, Channel>;
}

export function send(connection: Connection, frame: Frame) {
  if (connection.socket.readyState !== connection.socket.OPEN) return;
  const { joinRef, ref, topic, event, payload } = frame;
  connection.socket.send(
    connection.vsn === "2.0.0"
      ? JSON.stringify([joinRef, ref, topic, event, payload])
      : JSON.stringify({ join_ref: joinRef, ref, topic, event, payload }),
  );
}

export function decode(vsn: Connection["vsn"], text: string): Frame | null {
  try {
    const parsed: unknown = JSON.parse(text);
    if (vsn === "2.0.0" && Array.isArray(parsed) && parsed.length === 5) {
      const [joinRef, ref, topic, event, payload] = parsed as [string | null, string | null, unknown, unknown, unknown];
      if (typeof topic === "string" && typeof event === "string" && isRecord(payload))
        return { joinRef, ref, topic, event, payload };
    }
    if (vsn === "1.0.0" && isRecord(parsed)) {
      const { join_ref, ref, topic, event, payload } = parsed as Record<string, unknown>;
      if (typeof topic === "string" && typeof event === "string" && isRecord(payload)) {
        return { joinRef: (join_ref as string | null) ?? null, ref: (ref as string | null) ?? null, topic, event, payload };
      }
    }
  } catch {
    return null;
  }
  return null;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
