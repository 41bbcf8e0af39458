import { createHash, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import selfsigned from "selfsigned";
import { createSimulatedAccounts } from "./accounts";
import { createReceivedMedia } from "./received-media";
import { createSimulatedTemplates } from "./templates";
import { deliverWebhook, newMid, newWamid, whatsappStatus } from "./webhooks";
import { createNumberBehaviour } from "./whatsapp-numbers";

/** Parameters that are secrets: never recorded (and the app should never put them in a URL: `credentialsInUrl`). */
const SECRET_PARAMS = new Set(["access_token", "client_secret", "fb_exchange_token", "code"]);

/** One Graph API call as the simulator saw it (tokens are recorded only as present/absent). */
export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  hadAccessToken: boolean;
  /** Whether the URL itself carried a secret (a token, the app secret, an OAuth code): it should never. */
  credentialsInUrl: boolean;
  at: string;
}

/** What the next matching calls should suffer. */
export interface InjectedFailure {
  /** Substring of the path to match; empty matches every call. */
  pathIncludes?: string;
  /** Only sends to this member (WhatsApp `to`, Messenger `recipient.id`). */
  recipientId?: string;
  /** HTTP 5xx without a Graph error body. */
  status?: number;
  /** A Graph error code: 190 (token), 4/17/32/613/130429 (rate), 10/2018278/131047 (window). */
  code?: number;
  subcode?: number;
  latencyMs?: number;
  /** Never answer: the caller's timeout fires. */
  hang?: boolean;
  /** How many calls it applies to (default 1). */
  times?: number;
}

const GRAPH_ERRORS: Record<number, { type: string; message: string }> = {
  190: { type: "OAuthException", message: "Error validating access token: Session has expired." },
  4: { type: "OAuthException", message: "Application request limit reached" },
  17: { type: "OAuthException", message: "User request limit reached" },
  32: { type: "OAuthException", message: "Page request limit reached" },
  613: { type: "OAuthException", message: "Calls to this api have exceeded the rate limit." },
  130429: { type: "OAuthException", message: "Rate limit hit" },
  10: { type: "OAuthException", message: "This message is sent outside of allowed window." },
  2018278: { type: "OAuthException", message: "This message is sent outside of allowed window." },
  131047: { type: "OAuthException", message: "Re-engagement message" },
  131049: { type: "OAuthException", message: "This message was not delivered to maintain healthy ecosystem engagement." },
  131050: {
    type: "OAuthException",
    message: "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages.",
  },
  131056: { type: "OAuthException", message: "(Business Account, Consumer Account) pair rate limit hit" },
};

/**
 * A local Graph API: the Send API for Messenger/Instagram (`/{page-id}/messages`) and WhatsApp
 * (`/{phone-number-id}/messages`), profile and media lookups, and the account side in ./accounts.ts
 * (OAuth dialog, token exchange, `/me/accounts`, `subscribed_apps`). It records every call and fails on demand.
 * Media: `POST /__media` registers a member's file; Graph `GET /{media-id}` describes it (WhatsApp), its download
 * needs the token, and its CDN URL (Messenger/Instagram) expires when asked to. Files sent to members: WhatsApp's
 * `POST /{phone-number-id}/media` upload and the URLs a send names, fetched and hashed (`GET|DELETE /__received-media`).
 * WhatsApp templates (./templates.ts): `GET /{waba-id}/message_templates` in pages, template sends checked as Meta does.
 * Control endpoints: `GET|DELETE /__calls`, `POST /__failures` (an InjectedFailure), `DELETE /__failures`,
 * `POST|GET /__test-users`, `GET /__subscriptions`, `GET /__login-as/{user-id}`, `GET|POST|DELETE /__templates`,
 * `POST /__templates/status` (a review, delivered as Meta's webhook), `GET|POST /__numbers/{phone-number-id}` (a
 * number's throughput and messaging limits and the statuses it reports: ./whatsapp-numbers.ts).
 */
/** A message a Send API call accepted, as the members' side of the world sees it. */
export interface SimulatedSend {
  /** The Page, Instagram account or WhatsApp phone number id that sent it. */
  accountId: string;
  recipientId: string;
  providerMessageId: string;
  whatsapp: boolean;
}

/** Media a member sent, as Meta holds it: WhatsApp's by media id (a token needed), Messenger's at an expiring CDN URL. */
interface SimulatedMedia {
  /** The file's bytes, or (a large file, never held in memory) the path they are read from. */
  bytes: Buffer | { file: string };
  size: number;
  mimeType: string;
  sha256: string;
  /** When the CDN URL stops answering (ms since the epoch), if ever. */
  expiresAt: number | null;
}

export async function startMetaSimulator(options: {
  port: number;
  host?: string;
  /** Where Meta's CDN (https, as Meta's is) listens; a free port unless given. */
  cdnPort?: number;
  onSend?: (send: SimulatedSend) => void;
  /** Where Meta's own webhooks (a template's review) go; settable later with `deliverWebhooksTo`. */
  webhooks?: WebhookTarget;
}) {
  let webhookTarget = options.webhooks ?? null;
  const calls: RecordedCall[] = [];
  const media = new Map<string, SimulatedMedia>();
  const cdn = await startCdn(media, options.cdnPort ?? 0);
  let failures: (InjectedFailure & { remaining: number })[] = [];
  const accounts = createSimulatedAccounts();
  const outbound = createReceivedMedia();
  const templates = createSimulatedTemplates();
  const numbers = createNumberBehaviour();
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://simulator");
    const body = await readBody(req);
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      if (typeof value === "string") res.writeHead(status, headers).end(value);
      else res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(value));
    };
    if (accounts.control(req, url, body, json)) return;
    if (numbers.control(req.method ?? "GET", url.pathname, body, json)) return;
    const templateControl = templates.control(
      req.method ?? "GET",
      url.pathname,
      Object.fromEntries(url.searchParams),
      body,
      json,
    );
    if (templateControl === true) return;
    if (templateControl) {
      // A review: Meta tells the app through its webhook.
      if (!webhookTarget) return json(409, { error: "no webhook target: call deliverWebhooksTo first", ...templateControl });
      const delivered = await deliverWebhook(webhookTarget.url, templateControl.webhook, { appSecret: webhookTarget.appSecret });
      return json(200, { delivered: delivered.status, ...templateControl });
    }

    const origin = `http://${req.headers.host ?? "127.0.0.1"}`;
    // POST /__media {base64 | file, mimeType, expiresInMs?} → {id, url}: a WhatsApp media id, and the Messenger CDN URL.
    if (url.pathname === "/__media" && req.method === "POST") {
      const upload = (body ?? {}) as { base64?: string; file?: string; mimeType?: string; expiresInMs?: number };
      const bytes = upload.file ? { file: upload.file } : Buffer.from(upload.base64 ?? "", "base64");
      const id = String(Date.now()) + String(Math.floor(Math.random() * 1e6));
      media.set(id, {
        bytes,
        size: Buffer.isBuffer(bytes) ? bytes.length : (await stat(bytes.file)).size,
        mimeType: upload.mimeType ?? "application/octet-stream",
        sha256: Buffer.isBuffer(bytes) ? createHash("sha256").update(bytes).digest("hex") : await fileSha256(bytes.file),
        expiresAt: upload.expiresInMs ? Date.now() + upload.expiresInMs : null,
      });
      return json(200, { id, url: `${cdn.url}/cdn/${id}` });
    }
    const download = /^\/whatsapp-media\/(\d+)$/.exec(url.pathname);
    if (download?.[1] && req.method === "GET") {
      const item = media.get(download[1]);
      // WhatsApp's download URL needs the business's token, as Meta's does.
      if (!/^Bearer .+/.test(req.headers.authorization ?? "")) return json(401, "");
      if (!item) return json(404, "Not found");
      return serveMedia(res, item);
    }

    if (url.pathname === "/__received-media") {
      if (req.method === "DELETE") outbound.received.length = 0;
      return json(200, outbound.received);
    }
    if (url.pathname === "/__calls") {
      if (req.method === "DELETE") calls.length = 0;
      return json(200, calls);
    }
    if (url.pathname === "/__failures") {
      if (req.method === "DELETE") failures = [];
      else if (req.method === "POST") {
        const failure = (body ?? {}) as InjectedFailure;
        failures.push({ ...failure, remaining: failure.times ?? 1 });
      }
      return json(200, failures);
    }

    const query = Object.fromEntries(url.searchParams);
    // Like Graph, a parameter may come in the URL or in a form-encoded POST body.
    const form = req.headers["content-type"]?.startsWith("application/x-www-form-urlencoded")
      ? (body as Record<string, string>)
      : {};
    const params = { ...query, ...form };
    const withoutSecrets = (values: unknown) =>
      values && typeof values === "object" && !Array.isArray(values)
        ? Object.fromEntries(Object.entries(values).filter(([key]) => !SECRET_PARAMS.has(key)))
        : values;
    calls.push({
      method: req.method ?? "GET",
      path: url.pathname,
      query: withoutSecrets(query) as Record<string, string>,
      body: withoutSecrets(body),
      hadAccessToken: Boolean(params.access_token || req.headers.authorization),
      credentialsInUrl: Object.keys(query).some((key) => SECRET_PARAMS.has(key)),
      at: new Date().toISOString(),
    });

    const sentTo = (body as SendBody | undefined)?.to ?? (body as SendBody | undefined)?.recipient?.id;
    const failure = failures.find(
      (f) =>
        f.remaining > 0 &&
        url.pathname.includes(f.pathIncludes ?? "") &&
        (f.recipientId === undefined || f.recipientId === sentTo),
    );
    if (failure) {
      failure.remaining -= 1;
      if (failure.hang) return;
      if (failure.latencyMs) await new Promise((resolve) => setTimeout(resolve, failure.latencyMs));
      if (failure.status)
        return json(failure.status, { error: { message: "Service temporarily unavailable", code: 2, type: "OAuthException" } });
      if (failure.code !== undefined) {
        const known = GRAPH_ERRORS[failure.code] ?? { type: "OAuthException", message: "Error" };
        return json(400, {
          error: { ...known, code: failure.code, error_subcode: failure.subcode, fbtrace_id: randomUUID().slice(0, 11) },
        });
      }
    }

    const token = params.access_token ?? /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
    if (accounts.handle(req, url, params, token, json)) return;

    // /{version}/{id}/messages
    const [, , id, edge] = url.pathname.split("/");
    if (req.method === "GET" && edge === "message_templates") {
      const accountToken = accounts.whatsappAccountToken(id ?? "");
      if (!accountToken || accountToken !== token) {
        return json(400, { error: { message: "Invalid OAuth access token", type: "OAuthException", code: 190 } });
      }
      templates.list(id ?? "", query, origin, json);
      return;
    }
    if (req.method === "POST" && edge === "media") {
      if (!token) return json(400, { error: { message: "An access token is required", type: "OAuthException", code: 104 } });
      const uploaded = await outbound.upload(req, id ?? "");
      if ("refused" in uploaded) return json(400, { error: { message: uploaded.refused, type: "OAuthException", code: 100 } });
      return json(200, uploaded);
    }
    if (req.method === "POST" && edge === "messages") {
      const request = (body ?? {}) as SendBody;
      const whatsapp = request.messaging_product === "whatsapp";
      const providerMessageId = whatsapp ? newWamid() : newMid();
      const recipientId = (whatsapp ? request.to : request.recipient?.id) ?? "";
      const buttonsRefused = interactiveRefusal(request);
      if (buttonsRefused) return json(400, buttonsRefused);
      const admission = whatsapp ? numbers.admit(id ?? "", recipientId) : "ok";
      if (admission !== "ok") {
        const code = admission === "throttled" ? 130429 : 131049;
        return json(400, { error: { ...GRAPH_ERRORS[code], code, fbtrace_id: randomUUID().slice(0, 11) } });
      }
      if (whatsapp && request.type === "template") {
        const refused = templates.refusal(accounts.whatsappAccountOf(id ?? "") ?? "", request.template ?? {});
        if (refused) return json(400, refused);
        // A header's image, video or document by link: Meta fetches it before it sends.
        const header = (request.template?.components ?? []).find((c) => c.type === "header")?.parameters?.[0];
        const media = header?.image ?? header?.video ?? header?.document;
        if (media?.link) {
          const fetched = await outbound.fetched(media.link);
          if (!fetched) {
            return json(400, { error: { message: "(#131053) Media upload error", type: "OAuthException", code: 131053 } });
          }
          outbound.received.push({
            ...fetched,
            type: header?.type ?? "image",
            caption: null,
            filename: null,
            accountId: id ?? "",
            recipientId,
            providerMessageId,
          });
        }
      }
      const file = await sentFile(request, id ?? "");
      if (file === null) {
        return json(400, {
          error: { message: "(#100) The file could not be fetched or found", type: "OAuthException", code: 100 },
        });
      }
      if (file) outbound.received.push({ ...file, accountId: id ?? "", recipientId, providerMessageId });
      // After the answer: whoever watches the members' side (the demo) sees a message leave.
      setImmediate(() => options.onSend?.({ accountId: id ?? "", recipientId, providerMessageId, whatsapp }));
      if (whatsapp) {
        reportStatuses(id ?? "", recipientId, providerMessageId, request.biz_opaque_callback_data);
        return json(200, {
          messaging_product: "whatsapp",
          contacts: [{ input: request.to, wa_id: request.to }],
          messages: [{ id: providerMessageId }],
        });
      }
      return json(200, { recipient_id: recipientId, message_id: providerMessageId });
    }
    if (req.method === "GET" && id && !edge) {
      const item = media.get(id);
      if (item) {
        if (!token) return json(400, { error: { message: "An access token is required", type: "OAuthException", code: 104 } });
        return json(200, {
          messaging_product: "whatsapp",
          id,
          url: `${origin}/whatsapp-media/${id}`,
          mime_type: item.mimeType,
          sha256: item.sha256,
          file_size: item.size,
        });
      }
      if (query.fields?.includes("url")) {
        return json(200, {
          id,
          url: `https://lookaside.example/whatsapp_business/attachments/?mid=${id}`,
          mime_type: "image/jpeg",
        });
      }
      return json(200, { id, name: `Member ${id.slice(-4)}`, first_name: "Member", last_name: id.slice(-4), profile_pic: null });
    }
    return json(404, { error: { message: "Unknown path components", type: "OAuthException", code: 2500 } });
  });
  /** The file a send names, as Meta would get it; null when it cannot; undefined for a text. */
  /**
   * The statuses a number reports for a send, by webhook, one after another (none unless set for the number); a
   * webhook the app does not take with a 2xx is sent again, a little later, as Meta retries.
   */
  function reportStatuses(phoneNumberId: string, waId: string, id: string, callbackData: string | undefined) {
    const { statuses, gapMs } = numbers.statusesOf(phoneNumberId);
    if (statuses.length === 0 || !webhookTarget) return;
    const target = webhookTarget;
    void (async () => {
      for (const status of statuses) {
        await new Promise((resolve) => setTimeout(resolve, gapMs));
        const payload = whatsappStatus({ phoneNumberId, waId, id, status, callbackData });
        for (let attempt = 0; attempt < 5; attempt++) {
          const delivered = await deliverWebhook(target.url, payload, { appSecret: target.appSecret }).catch(() => null);
          await delivered?.body?.cancel();
          if (delivered && delivered.status < 300) break;
          await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
        }
      }
    })();
  }

  async function sentFile(request: SendBody, accountId: string) {
    const type = request.type ?? "";
    const media = request.messaging_product === "whatsapp" && isMediaType(type) ? (request[type] ?? {}) : undefined;
    if (media) {
      const file = await outbound.whatsApp(accountId, media);
      return file && { ...file, type, caption: media.caption ?? null, filename: media.filename ?? null };
    }
    const attachment = request.message?.attachment;
    if (!attachment?.payload?.url) return undefined;
    const file = await outbound.fetched(attachment.payload.url);
    return file && { ...file, type: attachment.type ?? "file", caption: null, filename: null };
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    /** The CDN's self-signed certificate, for processes that fetch from it (NODE_EXTRA_CA_CERTS). */
    cdnCaFile: cdn.caFile,
    calls,
    /** Where a template's review sends its webhook (the edge function, once the stack is up). */
    deliverWebhooksTo(target: WebhookTarget) {
      webhookTarget = target;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await cdn.stop();
    },
  };
}

/**
 * Meta's CDN for Messenger and Instagram attachments: https (the normalizer keeps https links only), with a
 * certificate made for 127.0.0.1 at start; a URL stops answering once its media has expired.
 */
async function startCdn(media: Map<string, SimulatedMedia>, port: number) {
  const pems = await selfsigned.generate([{ name: "commonName", value: "127.0.0.1" }], {
    keyType: "ec",
    algorithm: "sha256",
    extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
  });
  const dir = await mkdtemp(path.join(tmpdir(), "frontdesk-cdn-"));
  const caFile = path.join(dir, "cdn-ca.pem");
  await writeFile(caFile, pems.cert);
  const server = https.createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    const id = /^\/cdn\/(\d+)$/.exec(new URL(req.url ?? "/", "https://cdn").pathname)?.[1];
    const item = id ? media.get(id) : undefined;
    if (!item || (item.expiresAt !== null && Date.now() > item.expiresAt)) {
      res.writeHead(404, { "content-type": "text/plain" }).end("URL signature expired");
      return;
    }
    serveMedia(res, item);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    caFile,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function serveMedia(res: http.ServerResponse, item: SimulatedMedia) {
  res.writeHead(200, { "content-type": item.mimeType, "content-length": String(item.size) });
  if (Buffer.isBuffer(item.bytes)) res.end(item.bytes);
  else createReadStream(item.bytes.file).pipe(res);
}

async function fileSha256(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

const MEDIA_TYPES = ["image", "video", "audio", "document", "sticker"] as const;
const isMediaType = (type: string): type is (typeof MEDIA_TYPES)[number] => (MEDIA_TYPES as readonly string[]).includes(type);

/** Meta's limits on buttons: WhatsApp's 3 reply buttons of 20 characters (131009), Messenger's 13 quick replies (100). */
function interactiveRefusal(request: SendBody) {
  const error = (code: number, message: string) => ({ error: { message, type: "OAuthException", code } });
  const buttons = request.interactive?.action?.buttons;
  if (request.type === "interactive" && buttons) {
    const body = request.interactive?.body?.text ?? "";
    if (
      buttons.length < 1 ||
      buttons.length > 3 ||
      buttons.some((b) => (b.reply?.title ?? "").length > 20) ||
      body.length > 1024
    ) {
      return error(131009, "(#131009) Parameter value is not valid");
    }
  }
  const quickReplies = request.message?.quick_replies;
  if (quickReplies && (quickReplies.length > 13 || quickReplies.some((q) => (q.title ?? "").length > 20))) {
    return error(100, "(#100) Invalid quick_replies");
  }
  return null;
}

export interface WebhookTarget {
  url: string;
  appSecret: string;
}

type SendMedia = { id?: string; link?: string; caption?: string; filename?: string };
type SendBody = {
  messaging_product?: string;
  to?: string;
  biz_opaque_callback_data?: string;
  type?: string;
  recipient?: { id?: string };
  message?: { attachment?: { type?: string; payload?: { url?: string } }; quick_replies?: { title?: string }[] };
  interactive?: { body?: { text?: string }; action?: { buttons?: { reply?: { title?: string } }[] } };
  template?: {
    name?: string;
    language?: { code?: string };
    components?: {
      type?: string;
      parameters?: ({ type?: string } & Partial<Record<"image" | "video" | "document", { link?: string }>>)[];
    }[];
  };
} & Partial<Record<(typeof MEDIA_TYPES)[number], SendMedia>>;

/** A JSON or form body; a multipart one (a media upload) is left unread, for its handler to stream. */
async function readBody(req: http.IncomingMessage): Promise<unknown> {
  if (req.headers["content-type"]?.startsWith("multipart/form-data")) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return Object.fromEntries(new URLSearchParams(text));
  }
}
