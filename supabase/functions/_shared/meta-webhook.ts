import { normalizeWebhook, type WebhookEvent } from "./meta-events.ts";
import { isSignedByMeta, timingSafeEqual } from "./signature.ts";
import { answerSubscriptionCheck } from "./subscription.ts";

export interface IngestResult {
  eventId: number;
  outcome: "processed" | "unroutable" | "failed";
  inserted: number;
  duplicates: number;
  /** Members seen for the first time (their profile lookups were enqueued with them, for the worker). */
  newIdentities: string[];
  /** `SQLSTATE: message` when applying failed; the raw event is kept for replay. */
  error: string | null;
}

export interface WebhookDependencies {
  appId: string;
  appSecret: string;
  verifyToken: string;
  /** Meta sends up to 1000 updates per POST; anything far larger is not Meta. */
  maxBodyBytes: number;
  /** One SQL call: store the raw payload and apply its events. */
  ingest(object: string, rawJson: string, events: WebhookEvent[]): Promise<IngestResult>;
  /**
   * Stores the raw payload alone, as failed with `failure`, when its events could not be normalized or
   * applied: the durable record and replay source (app.keep_unapplied_webhook). Returns its row id.
   */
  keepUnapplied(object: string, rawJson: string, failure: string): Promise<number>;
  /** Stored webhooks whose apply failed, oldest first. */
  failedWebhooks(limit: number): Promise<{ id: number; object: string; payload: unknown }[]>;
  /** Applies a stored webhook again, updating its row. */
  reapply(id: number, object: string, payload: unknown, events: WebhookEvent[]): Promise<IngestResult>;
  /** Operators replay with one of these: the project's service role or secret keys (operator-keys.ts). */
  operatorKeys: string[];
  /**
   * Counts one refused request (no valid signature, a wrong replay key) from this address; answers how many seconds
   * it must wait once it has had too many, else null. Never consulted for a signed webhook: refusing one could lose it.
   */
  countRefusal(clientAddress: string): Promise<number | null>;
  log(event: string, fields: Record<string, string | number | boolean | null>): void;
}

/**
 * The `meta-webhook` endpoint. Verifies the subscription handshake and signatures over the raw bytes,
 * refuses what is not Meta's before anything is stored, and answers 200 once the webhook is durable.
 */
export async function handleMetaWebhook(request: Request, deps: WebhookDependencies): Promise<Response> {
  if (new URL(request.url).pathname.endsWith("/replay")) return replayFailed(request, deps);
  if (request.method === "GET") return answerSubscriptionCheck(new URL(request.url), deps.verifyToken);
  if (request.method !== "POST") return new Response("Method Not Allowed", { status: 405, headers: { allow: "GET, POST" } });

  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > deps.maxBodyBytes) return new Response("Payload Too Large", { status: 413 });
  const body = await readLimited(request, deps.maxBodyBytes);
  if (!body) return new Response("Payload Too Large", { status: 413 });

  if (!isSignedByMeta(body, request.headers.get("x-hub-signature-256"), deps.appSecret)) {
    deps.log("webhook.rejected", { reason: "signature" });
    return refuse(request, deps);
  }
  let rawJson: string;
  let payload: unknown;
  try {
    ({ rawJson, payload } = parseStorable(new TextDecoder().decode(body)));
  } catch {
    deps.log("webhook.rejected", { reason: "json" });
    return new Response("Bad Request", { status: 400 });
  }
  const object = typeof payload === "object" && payload && "object" in payload ? String(payload.object) : "unknown";
  const started = Date.now();
  let events: WebhookEvent[];
  try {
    events = normalizeWebhook(payload, deps.appId);
  } catch (error) {
    return keepUnapplied(object, rawJson, `normalize: ${errorName(error)}`, started, deps);
  }
  let result: IngestResult;
  try {
    result = await deps.ingest(object, rawJson, events);
  } catch (error) {
    // The call stored nothing: most likely the database is unreachable, but it may be these events.
    return keepUnapplied(object, rawJson, describeFailure(error), started, deps);
  }
  deps.log("webhook.ingested", {
    eventId: result.eventId,
    object,
    outcome: result.outcome,
    events: events.length,
    inserted: result.inserted,
    duplicates: result.duplicates,
    newMembers: result.newIdentities.length,
    // The SQLSTATE only: Postgres messages can quote member data.
    failure: result.error?.slice(0, 5) ?? null,
    ms: Date.now() - started,
  });
  return new Response("EVENT_RECEIVED", { status: 200 });
}

/**
 * A webhook whose events cannot be applied is still kept, as failed, and answered 200: once stored it can be
 * replayed, while a 5xx for a webhook that fails the same way on every delivery loses it when Meta gives up.
 * Only when even the raw row cannot be stored (the database is down) is Meta asked to deliver it again.
 */
async function keepUnapplied(
  object: string,
  rawJson: string,
  failure: string,
  started: number,
  deps: WebhookDependencies,
): Promise<Response> {
  try {
    const eventId = await deps.keepUnapplied(object, rawJson, failure);
    deps.log("webhook.kept_unapplied", { eventId, object, failure: failure.slice(0, 5), ms: Date.now() - started });
    return new Response("EVENT_RECEIVED", { status: 200 });
  } catch (error) {
    deps.log("webhook.store_failed", { object, error: errorName(error) });
    return new Response("Service Unavailable", { status: 503 });
  }
}

const errorName = (error: unknown) => (error instanceof Error ? error.name : "unknown");

/** `SQLSTATE: message` for a Postgres error (as ingest records failures), else the error's name. */
function describeFailure(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? `${code}: ${String(message)}` : `apply: ${errorName(error)}`;
}

/**
 * Escapes of characters Postgres cannot store: U+0000 (not in text) and lone surrogates (jsonb refuses them).
 * Escaped pairs, how Meta sends emoji, are fine and do not match.
 */
const UNSTORABLE_ESCAPES = /\\u0000|\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f]/i;
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is one of the characters it finds.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Parses the body. A payload with U+0000 or a lone surrogate in it would fail to store on every delivery,
 * and be lost once Meta stops retrying: those characters become U+FFFD, in the stored payload and in the
 * events. Any other payload is stored exactly as Meta sent it.
 */
function parseStorable(rawJson: string): { rawJson: string; payload: unknown } {
  if (!UNSTORABLE_ESCAPES.test(rawJson)) return { rawJson, payload: JSON.parse(rawJson) };
  const payload: unknown = JSON.parse(rawJson, (_key, value: unknown) =>
    typeof value === "string" ? value.replace(UNSTORABLE, "\ufffd") : value,
  );
  return { rawJson: JSON.stringify(payload), payload };
}

async function readLimited(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer> | null> {
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** 401, or 429 with Retry-After for an address that keeps sending what is not Meta's. */
async function refuse(request: Request, deps: WebhookDependencies): Promise<Response> {
  const wait = await deps.countRefusal(clientAddress(request)).catch(() => null);
  if (wait === null) return new Response("Unauthorized", { status: 401 });
  deps.log("webhook.rate_limited", { retryAfterSeconds: wait });
  return new Response("Too Many Requests", { status: 429, headers: { "retry-after": String(wait) } });
}

/**
 * The sender's address: Cloudflare's header in front of hosted Supabase, else the hop the platform's proxy added
 * last to X-Forwarded-For (entries before it are whatever the client wrote).
 */
export function clientAddress(request: Request): string {
  const cloudflare = request.headers.get("cf-connecting-ip");
  if (cloudflare) return cloudflare;
  const forwarded = request.headers
    .get("x-forwarded-for")
    ?.split(",")
    .map((hop) => hop.trim())
    .filter(Boolean);
  return forwarded?.at(-1) ?? "unknown";
}

/**
 * `POST /meta-webhook/replay?limit=N` with `Authorization: Bearer <service role or secret key>`: applies failed
 * webhooks again from their stored payloads. Safe to repeat: ingest is idempotent.
 */
async function replayFailed(request: Request, deps: WebhookDependencies): Promise<Response> {
  const token = request.headers.get("authorization")?.match(/^Bearer (.+)$/)?.[1] ?? "";
  // Compared with every key, not stopping at a match, so the time taken says nothing about which came close.
  const matches = deps.operatorKeys.map((key) => timingSafeEqual(token, key));
  if (request.method !== "POST" || !matches.includes(true)) {
    return refuse(request, deps);
  }
  const limit = Math.min(Math.max(Number(new URL(request.url).searchParams.get("limit") ?? "100") || 100, 1), 1000);
  const outcomes: { id: number; outcome: IngestResult["outcome"] }[] = [];
  for (const webhook of await deps.failedWebhooks(limit)) {
    try {
      const result = await deps.reapply(
        webhook.id,
        webhook.object,
        webhook.payload,
        normalizeWebhook(webhook.payload, deps.appId),
      );
      deps.log("webhook.replayed", { eventId: webhook.id, outcome: result.outcome, failure: result.error?.slice(0, 5) ?? null });
      outcomes.push({ id: webhook.id, outcome: result.outcome });
    } catch (error) {
      // Still not appliable: it stays failed, and the next one is tried.
      deps.log("webhook.replayed", { eventId: webhook.id, outcome: "failed", failure: describeFailure(error).slice(0, 5) });
      outcomes.push({ id: webhook.id, outcome: "failed" });
    }
  }
  return Response.json({ replayed: outcomes.length, outcomes });
}
