import type http from "node:http";
import type { Duplex } from "node:stream";
import { type JWTPayload, errors as joseErrors, jwtVerify } from "jose";
import postgres from "postgres";
import { type RawData, type WebSocket, WebSocketServer } from "ws";
import type { SigningKeys } from "./keys";
import { type Channel, type Connection, decode, decodeUserBroadcast, type Frame, send } from "./realtime-frames";
import { createClientSignals } from "./realtime-presence";

/**
 * Supabase Realtime's websocket, as much of it as Frontdesk uses: Phoenix frames (vsn 1.0.0 objects
 * and 2.0.0 arrays), heartbeats, private broadcast channels authorized by the `realtime.messages`
 * SELECT policy run as the joining user, token refresh and expiry, and fan-out of what
 * `realtime.send()` commits, read from the WAL by logical decoding like hosted Realtime (the
 * publication is in dev/postgres/supabase-surface.sql) while anyone is subscribed, so writers never
 * wait for it. Presence and clients' own broadcasts (typing) as the INSERT policy allows
 * (./realtime-presence.ts); postgres_changes are not served: Frontdesk uses none.
 */
export interface Realtime {
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void;
  stop(): Promise<void>;
}

const ALLOWED_ROLES = new Set(["anon", "authenticated", "service_role"]);
const SLOT = "frontdesk_realtime_local";
const PUBLICATION = "frontdesk_realtime_local";
/** Between reads of the slot: each read decodes the WAL since the last, so fewer, larger reads cost less. */
const POLL_MS = 40;
/** How long the WAL is still read after the last subscriber left (a page reload rejoins within it). */
const IDLE_MS = 30_000;
const KEEP_MESSAGES_FOR = "3 days";

export async function startRealtime(options: {
  sql: postgres.Sql;
  /** For the WAL reader's own connection. */
  databaseUrl: string;
  keys: SigningKeys;
  onLog?: (line: string) => void;
}): Promise<Realtime> {
  const { sql, keys } = options;
  const server = new WebSocketServer({ noServer: true, maxPayload: 1_000_000 });
  /** Private and public subscribers by topic name, for fan-out. */
  const subscribers = new Map<string, Set<{ connection: Connection; channel: Channel }>>();
  const signals = createClientSignals((topic) => subscribers.get(topic) ?? []);

  const log = (event: string, fields: Record<string, unknown> = {}) =>
    options.onLog?.(JSON.stringify({ level: "info", source: "realtime", event, ...fields }));

  function fanOut(row: Broadcast) {
    for (const { connection, channel } of subscribers.get(row.topic) ?? []) {
      if (channel.isPrivate !== row.private) continue;
      send(connection, {
        joinRef: null,
        ref: null,
        topic: channel.fullTopic,
        event: "broadcast",
        payload: { type: "broadcast", event: row.event, payload: row.payload, meta: { id: row.id } },
      });
    }
  }

  // Its own connection, quiet: Postgres logs every decoding start at LOG (above ERROR in the server log).
  const reader = postgres(options.databaseUrl, { max: 1, onnotice: () => {}, connection: { log_min_messages: "fatal" } });
  const relations = new Map<number, Relation>();
  const dropSlot = () => reader`select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = ${SLOT}`;

  /**
   * The WAL is read only while someone is subscribed, as hosted Realtime idles a project without
   * clients: a fresh slot on the first join (broadcasts from before it had nobody to reach), dropped a
   * while after the last subscriber leaves. Starts and stops run one at a time.
   */
  let reading = false;
  let loop: Promise<void> = Promise.resolve();
  let lifecycle: Promise<void> = Promise.resolve();
  let idleTimer: NodeJS.Timeout | undefined;

  async function readLoop() {
    while (reading) {
      try {
        // In commit order; a rolled-back join probe never shows up here.
        const changes = await reader<{ data: Buffer }[]>`
          select data from pg_logical_slot_get_binary_changes(${SLOT}, null, 1000, 'proto_version', '1',
                                                              'publication_names', ${PUBLICATION})`;
        for (const { data } of changes) {
          const row = decodeInsert(data, relations);
          if (row?.extension === "broadcast") fanOut(row);
        }
        await sleep(POLL_MS);
      } catch (error) {
        if (!reading) break;
        log("decoding_failed", { error: error instanceof Error ? error.message : String(error) });
        await sleep(500);
      }
    }
  }

  /** Resolves once broadcasts committed from now on will be read. */
  function startReading(): Promise<void> {
    clearTimeout(idleTimer);
    lifecycle = lifecycle.then(async () => {
      if (reading) return;
      await dropSlot();
      await reader`select pg_create_logical_replication_slot(${SLOT}, 'pgoutput')`;
      reading = true;
      loop = readLoop();
    });
    return lifecycle;
  }

  function stopReading(): Promise<void> {
    lifecycle = lifecycle.then(async () => {
      if (!reading) return;
      reading = false;
      await loop;
      await dropSlot();
    });
    return lifecycle;
  }

  function stopReadingWhenIdle() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (subscribers.size === 0) void stopReading().catch(() => {});
    }, IDLE_MS);
    idleTimer.unref();
  }

  // Hosted Supabase drops old daily partitions; locally one partition would only grow.
  const prune = () =>
    sql`delete from realtime.messages where inserted_at < now() - ${KEEP_MESSAGES_FOR}::interval`.catch(() => {});
  void prune();
  const pruneTimer = setInterval(prune, 3_600_000);
  pruneTimer.unref();

  async function verify(token: unknown): Promise<{ claims: JWTPayload } | { reason: string }> {
    if (typeof token !== "string" || token === "") return { reason: "Unauthorized: missing access token" };
    try {
      const { payload } = await jwtVerify(token, keys.publicKey, { algorithms: ["ES256"] });
      if (typeof payload.exp !== "number" || typeof payload.role !== "string" || !ALLOWED_ROLES.has(payload.role)) {
        return { reason: "Unauthorized: the token needs `exp` and a known `role` claim" };
      }
      return { claims: payload };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) return { reason: "InvalidJWTToken: Token has expired" };
      return { reason: "InvalidJWTToken: invalid signature or malformed token" };
    }
  }

  /**
   * `check` in a transaction as the user with `realtime.topic` set, as Realtime runs its policy checks; always rolled
   * back. Refused by a policy (42501) counts as false.
   */
  async function asUserOnTopic(
    name: string,
    claims: JWTPayload,
    check: (tx: postgres.TransactionSql, becomeUser: () => Promise<unknown>) => Promise<boolean>,
  ): Promise<boolean> {
    let allowed = false;
    await sql
      .begin(async (tx) => {
        const becomeUser = () => tx`select set_config('role', ${String(claims.role)}, true),
                                         set_config('request.jwt.claims', ${JSON.stringify(claims)}, true),
                                         set_config('realtime.topic', ${name}, true)`;
        allowed = await check(tx, becomeUser);
        throw new RolledBack();
      })
      .catch((error: unknown) => {
        if (error instanceof RolledBack || (error as { code?: string }).code === "42501") return;
        throw error;
      });
    return allowed;
  }

  /** Realtime's join check: a probe row read back as the user; the SELECT policy decides. */
  const mayRead = (name: string, claims: JWTPayload) =>
    asUserOnTopic(name, claims, async (tx, becomeUser) => {
      const [probe] = await tx<{ id: string }[]>`
        insert into realtime.messages (topic, extension, private) values (${name}, 'broadcast', true) returning id`;
      await becomeUser();
      return (await tx`select 1 from realtime.messages where id = ${probe?.id ?? null}`).length === 1;
    });

  /** Whether the user may send on a topic (presence, or their own broadcasts): the INSERT policy. */
  const mayWrite = (name: string, claims: JWTPayload, extension: "broadcast" | "presence") =>
    asUserOnTopic(name, claims, async (tx, becomeUser) => {
      await becomeUser();
      await tx`insert into realtime.messages (topic, extension, private) values (${name}, ${extension}, true)`;
      return true;
    });

  async function authorize(channel: Channel, token: unknown): Promise<{ claims: JWTPayload } | { reason: string }> {
    const verified = await verify(token);
    if ("reason" in verified) return verified;
    if (channel.isPrivate && !(await mayRead(channel.name, verified.claims))) {
      return { reason: `Unauthorized: You do not have permissions to read from this Channel topic: ${channel.name}` };
    }
    return verified;
  }

  /** Like hosted Realtime: when the token runs out and no fresh one came, the channel is shut. */
  function armExpiry(connection: Connection, channel: Channel, claims: JWTPayload) {
    clearTimeout(channel.expiry);
    const ms = Math.max(0, Number(claims.exp) * 1000 - Date.now());
    channel.expiry = setTimeout(() => shut(connection, channel, "Token has expired"), Math.min(ms, 2_147_483_647));
    channel.expiry.unref();
  }

  function shut(connection: Connection, channel: Channel, message: string) {
    send(connection, {
      joinRef: channel.joinRef,
      ref: null,
      topic: channel.fullTopic,
      event: "system",
      payload: { extension: "system", status: "error", message, channel: channel.name },
    });
    send(connection, { joinRef: channel.joinRef, ref: null, topic: channel.fullTopic, event: "phx_close", payload: {} });
    leave(connection, channel);
  }

  function leave(connection: Connection, channel: Channel) {
    clearTimeout(channel.expiry);
    connection.channels.delete(channel.fullTopic);
    const set = subscribers.get(channel.name);
    if (!set) return;
    for (const entry of set) if (entry.channel === channel) set.delete(entry);
    if (set.size === 0) subscribers.delete(channel.name);
    signals.left(channel);
    if (subscribers.size === 0) stopReadingWhenIdle();
  }

  function reply(connection: Connection, frame: Frame, status: "ok" | "error", response: Record<string, unknown>) {
    send(connection, {
      joinRef: frame.joinRef,
      ref: frame.ref,
      topic: frame.topic,
      event: "phx_reply",
      payload: { status, response },
    });
  }

  async function onJoin(connection: Connection, frame: Frame, apiKey: string) {
    const config = (frame.payload.config ?? {}) as {
      private?: boolean;
      postgres_changes?: unknown[];
      presence?: { key?: unknown };
      broadcast?: { self?: unknown };
    };
    const existing = connection.channels.get(frame.topic);
    if (existing) leave(connection, existing);
    if ((config.postgres_changes ?? []).length > 0) {
      reply(connection, frame, "error", { reason: "postgres_changes is not served by the local Realtime stand-in" });
      return;
    }
    const channel: Channel = {
      name: frame.topic.replace(/^realtime:/, ""),
      fullTopic: frame.topic,
      joinRef: frame.joinRef,
      isPrivate: config.private === true,
      presenceKey: typeof config.presence?.key === "string" && config.presence.key ? config.presence.key : crypto.randomUUID(),
      self: config.broadcast?.self === true,
      mayWrite: { broadcast: true, presence: true },
    };
    const result = await authorize(channel, frame.payload.access_token ?? apiKey);
    if ("reason" in result) {
      log("join_refused", { private: channel.isPrivate });
      reply(connection, frame, "error", { reason: result.reason });
      return;
    }
    if (channel.isPrivate) {
      channel.mayWrite = {
        broadcast: await mayWrite(channel.name, result.claims, "broadcast"),
        presence: await mayWrite(channel.name, result.claims, "presence"),
      };
    }
    await startReading();
    connection.channels.set(frame.topic, channel);
    const set = subscribers.get(channel.name) ?? new Set();
    set.add({ connection, channel });
    subscribers.set(channel.name, set);
    armExpiry(connection, channel, result.claims);
    reply(connection, frame, "ok", { postgres_changes: [] });
    signals.joined(connection, channel);
  }

  async function onAccessToken(connection: Connection, frame: Frame) {
    const channel = connection.channels.get(frame.topic);
    if (!channel) return;
    const result = await authorize(channel, frame.payload.access_token);
    if ("reason" in result) shut(connection, channel, result.reason);
    else armExpiry(connection, channel, result.claims);
  }

  function onFrame(connection: Connection, frame: Frame, apiKey: string): Promise<void> | void {
    if (frame.topic === "phoenix" && frame.event === "heartbeat") return reply(connection, frame, "ok", {});
    switch (frame.event) {
      case "phx_join":
        return onJoin(connection, frame, apiKey);
      case "access_token":
        return onAccessToken(connection, frame);
      case "presence": {
        const channel = connection.channels.get(frame.topic);
        const allowed = channel ? signals.presence(channel, frame.payload.event, frame.payload.payload) : false;
        return allowed
          ? reply(connection, frame, "ok", {})
          : reply(connection, frame, "error", { reason: "You do not have permissions to track presence on this topic" });
      }
      case "phx_leave": {
        const channel = connection.channels.get(frame.topic);
        if (channel) leave(connection, channel);
        return reply(connection, frame, "ok", {});
      }
      default:
        return reply(connection, frame, "error", { reason: `${frame.event} is not served by the local Realtime stand-in` });
    }
  }

  function onUserBroadcast(connection: Connection, data: RawData) {
    const message = decodeUserBroadcast(
      Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]),
    );
    if (!message) return;
    const channel = connection.channels.get(message.topic);
    const relayed = channel ? signals.broadcast(channel, message) : false;
    if (!message.ref) return;
    const frame = { joinRef: message.joinRef || null, ref: message.ref, topic: message.topic, event: "broadcast", payload: {} };
    if (relayed) reply(connection, frame, "ok", {});
    else reply(connection, frame, "error", { reason: "You do not have permissions to broadcast on this topic" });
  }

  server.on("connection", (socket: WebSocket, request: http.IncomingMessage, apiKey: string) => {
    const vsn = new URL(request.url ?? "/", "http://local").searchParams.get("vsn") === "2.0.0" ? "2.0.0" : "1.0.0";
    const connection: Connection = { socket, vsn, channels: new Map() };
    socket.on("message", (data: RawData, isBinary: boolean) => {
      // vsn 2.0.0 clients send their own broadcasts as binary frames.
      if (isBinary) return onUserBroadcast(connection, data);
      const frame = decode(connection.vsn, data.toString());
      if (!frame) return;
      Promise.resolve(onFrame(connection, frame, apiKey)).catch((error: unknown) => {
        log("frame_failed", { event: frame.event, error: error instanceof Error ? error.message : String(error) });
        reply(connection, frame, "error", { reason: "Internal error" });
      });
    });
    socket.on("close", () => {
      for (const channel of [...connection.channels.values()]) leave(connection, channel);
    });
  });

  return {
    handleUpgrade(req, socket, head) {
      const apiKey = new URL(req.url ?? "/", "http://local").searchParams.get("apikey") ?? "";
      verify(apiKey).then(
        (result) => {
          if ("reason" in result) {
            socket.end("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n");
            return;
          }
          server.handleUpgrade(req, socket, head, (ws) => server.emit("connection", ws, req, apiKey));
        },
        () => socket.destroy(),
      );
    },
    async stop() {
      clearInterval(pruneTimer);
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      clearTimeout(idleTimer);
      await stopReading().catch(() => {});
      await reader.end();
    },
  };
}

class RolledBack extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Relation {
  name: string;
  columns: string[];
}

interface Broadcast {
  id: string;
  topic: string;
  extension: string;
  event: string;
  payload: unknown;
  private: boolean;
}

/**
 * One pgoutput (protocol 1) message: remembers Relation messages and returns the row of an Insert
 * into realtime.messages_local. Tuple values come as text, as pgoutput sends them without `binary`.
 */
function decodeInsert(message: Buffer, relations: Map<number, Relation>): Broadcast | null {
  let offset = 1;
  const cstring = () => {
    const end = message.indexOf(0, offset);
    const text = message.toString("utf8", offset, end);
    offset = end + 1;
    return text;
  };
  const kind = String.fromCharCode(message[0] ?? 0);
  if (kind === "R") {
    const oid = message.readUInt32BE(offset);
    offset += 4;
    const name = `${cstring()}.${cstring()}`;
    offset += 1; // replica identity
    const count = message.readInt16BE(offset);
    offset += 2;
    const columns: string[] = [];
    for (let i = 0; i < count; i++) {
      offset += 1; // flags
      columns.push(cstring());
      offset += 8; // type oid, type modifier
    }
    relations.set(oid, { name, columns });
    return null;
  }
  if (kind !== "I") return null;
  const relation = relations.get(message.readUInt32BE(offset));
  if (relation?.name !== "realtime.messages_local") return null;
  offset += 5; // relation oid, 'N'
  const count = message.readInt16BE(offset);
  offset += 2;
  const values: Record<string, string | null> = {};
  for (let i = 0; i < count; i++) {
    const type = String.fromCharCode(message[offset] ?? 0);
    offset += 1;
    let value: string | null = null;
    if (type === "t") {
      const length = message.readInt32BE(offset);
      offset += 4;
      value = message.toString("utf8", offset, offset + length);
      offset += length;
    }
    values[relation.columns[i] ?? ""] = value;
  }
  return {
    id: values.id ?? "",
    topic: values.topic ?? "",
    extension: values.extension ?? "",
    event: values.event ?? "",
    payload: values.payload ? JSON.parse(values.payload) : null,
    private: values.private === "t",
  };
}
