import http from "node:http";
import { type AddressInfo, isIP } from "node:net";
import path from "node:path";
import { jwtVerify } from "jose";
import postgres from "postgres";
import { SESSION_INACTIVITY_DAYS } from "../../server/lib/session-policy";
import { type Auth, type AuthReply, authError, createAuth } from "./auth";
import { createEmailAuth, type EmailAuth } from "./auth-email";
import { type AuthEmailSettings, readAuthEmailSettings } from "./auth-settings";
import { readJson } from "./json-body";
import type { SigningKeys } from "./keys";
import { startRealtime } from "./realtime";
import { createStorage, type Storage, sendStorageReply } from "./storage";

export interface GatewayOptions {
  /** Superuser URL of the local database (the stand-in plays GoTrue, which owns `auth`). */
  databaseUrl: string;
  keys: SigningKeys;
  host?: string;
  port: number;
  /** Where `/functions/v1/*` goes: the Deno process serving supabase/functions. */
  functionsUrl?: string;
  jwtExpirySeconds?: number;
  refreshReuseIntervalSeconds?: number;
  /** Auth's Site URL, where its emails link to: the app. */
  siteUrl: string;
  /** Where Auth sends its emails: the mail catcher. */
  smtp: { host: string; port: number };
  /** Where Storage keeps its files (`<bucket>/<name>`). */
  storageDir: string;
  /** Sign-up and email settings; by default supabase/config.toml's, as `supabase start` reads them. */
  emailSettings?: Partial<AuthEmailSettings>;
  onLog?: (line: string) => void;
}

export interface Gateway {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const CONFIG_TOML = path.resolve(import.meta.dirname, "../../supabase/config.toml");

const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers":
    "authorization, apikey, content-type, x-client-info, x-supabase-api-version, x-upsert, cache-control",
  "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
};

/** One local port that answers like a Supabase project URL: Auth, Realtime and Edge Functions. */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const host = options.host ?? "127.0.0.1";
  const sql = postgres(options.databaseUrl, { max: 5, onnotice: () => {} });
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  const auth = createAuth({
    sql,
    keys: options.keys,
    url,
    jwtExpirySeconds: options.jwtExpirySeconds ?? 3600,
    refreshReuseIntervalSeconds: options.refreshReuseIntervalSeconds ?? 10,
    sessionInactivitySeconds: SESSION_INACTIVITY_DAYS * 24 * 60 * 60,
  });
  const emailAuth = createEmailAuth({
    sql,
    auth,
    settings: { ...readAuthEmailSettings(CONFIG_TOML), ...options.emailSettings },
    siteUrl: options.siteUrl,
    smtp: options.smtp,
  });
  const storage = createStorage({ sql, keys: options.keys, rootDir: options.storageDir });
  const realtime = await startRealtime({ sql, databaseUrl: options.databaseUrl, keys: options.keys, onLog: options.onLog });
  server.on("upgrade", (req, socket, head) => {
    if (new URL(req.url ?? "/", url).pathname === "/realtime/v1/websocket") realtime.handleUpgrade(req, socket, head);
    else socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
  });

  server.on("request", (req, res) => {
    const path = new URL(req.url ?? "/", url).pathname;
    if (req.method === "OPTIONS") {
      res.writeHead(204, CORS_HEADERS).end();
    } else if (path.startsWith("/functions/v1/")) {
      proxyToFunctions(req, res, options.functionsUrl);
    } else if (path.startsWith("/storage/v1/")) {
      handleStorage(req, storage, options.keys, url)
        .then((reply) => sendStorageReply(res, reply, CORS_HEADERS))
        .catch((error: unknown) => {
          options.onLog?.(`storage error: ${error instanceof Error ? error.message : String(error)}`);
          if (!res.headersSent)
            sendJson(res, { status: 500, body: { statusCode: "500", error: "internal", message: "Internal error" } });
          else res.destroy();
        });
    } else if (path.startsWith("/auth/v1/")) {
      handleAuth(req, { auth, emailAuth }, options.keys, url).then(
        (reply) => sendJson(res, reply),
        (error: unknown) => {
          options.onLog?.(`auth error: ${error instanceof Error ? error.message : String(error)}`);
          sendJson(res, authError(500, "unexpected_failure", "Unexpected failure"));
        },
      );
    } else {
      sendJson(res, { status: 404, body: { message: "no Route matched with those values" } });
    }
  });

  return {
    url,
    port,
    async stop() {
      await realtime.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sql.end();
    },
  };
}

async function handleAuth(
  req: http.IncomingMessage,
  { auth, emailAuth }: { auth: Auth; emailAuth: EmailAuth },
  keys: SigningKeys,
  base: string,
): Promise<AuthReply> {
  const requestUrl = new URL(req.url ?? "/", base);
  const route = `${req.method} ${requestUrl.pathname.replace(/^\/auth\/v1/, "")}`;
  if (route === "GET /.well-known/jwks.json") return { status: 200, body: { keys: [keys.publicJwk] } };

  // Like Kong in front of GoTrue: every Auth call carries a project API key.
  if (!(await carriesApiKey(req, requestUrl, keys))) {
    return {
      status: 401,
      body: { message: "Invalid API key", hint: "Double check your Supabase `anon` or `service_role` API key." },
    };
  }
  const authorization = headerValue(req, "authorization");
  const oneUser = /^(GET|DELETE) \/admin\/users\/([0-9a-f-]{36})$/.exec(route);
  if (oneUser?.[2]) return auth.adminUser(authorization, oneUser[1] as "GET" | "DELETE", oneUser[2]);
  switch (route) {
    case "POST /token": {
      const body = await readJson(req);
      const grantType = requestUrl.searchParams.get("grant_type");
      if (grantType === "password") return auth.signInWithPassword(body, clientIpOf(req));
      if (grantType === "refresh_token") return auth.refresh(body);
      return authError(400, "unsupported_grant_type", "unsupported_grant_type");
    }
    case "GET /user":
      return auth.getUser(authorization);
    case "PUT /user":
      return auth.updateUser(authorization, await readJson(req));
    case "POST /invite":
      return emailAuth.invite(authorization, await readJson(req));
    case "POST /recover":
      return emailAuth.recover(await readJson(req));
    case "POST /logout":
      return auth.logout(authorization, requestUrl.searchParams.get("scope"));
    case "GET /settings":
      return emailAuth.settings();
    case "POST /signup":
      return emailAuth.signup(await readJson(req));
    case "POST /resend":
      return emailAuth.resend(await readJson(req));
    case "POST /verify":
      return emailAuth.verify(await readJson(req), clientIpOf(req));
    case "POST /admin/users":
      return auth.adminCreateUser(authorization, await readJson(req));
    default:
      return authError(404, "not_found", "Not found");
  }
}

/** Like Kong in front of Storage: an API key on every call but a signed URL's, which browsers load as is. */
async function handleStorage(req: http.IncomingMessage, storage: Storage, keys: SigningKeys, base: string) {
  const requestUrl = new URL(req.url ?? "/", base);
  const route = requestUrl.pathname.replace(/^\/storage\/v1/, "");
  const signedRead = req.method === "GET" && route.startsWith("/object/sign/");
  if (!signedRead && !(await carriesApiKey(req, requestUrl, keys))) {
    req.resume();
    return { status: 401, body: { message: "Invalid API key" } };
  }
  return storage.handle(req, route, requestUrl.searchParams);
}

/** Whether the request names one of this project's API keys (header or query), as Kong requires. */
async function carriesApiKey(req: http.IncomingMessage, requestUrl: URL, keys: SigningKeys): Promise<boolean> {
  const apiKey = headerValue(req, "apikey") ?? requestUrl.searchParams.get("apikey");
  return Boolean(apiKey) && (await isApiKey(apiKey ?? "", keys));
}

async function isApiKey(apiKey: string, keys: SigningKeys): Promise<boolean> {
  try {
    const { payload } = await jwtVerify(apiKey, keys.publicKey, { algorithms: ["ES256"] });
    return payload.role === "anon" || payload.role === "service_role";
  } catch {
    return false;
  }
}

function proxyToFunctions(req: http.IncomingMessage, res: http.ServerResponse, functionsUrl: string | undefined) {
  if (!functionsUrl) {
    sendJson(res, { status: 503, body: { message: "Edge functions are not running" } });
    return;
  }
  // The function sees its own name as the first path segment, as on hosted Supabase.
  const target = new URL((req.url ?? "/").replace(/^\/functions\/v1/, ""), functionsUrl);
  // A function may answer before reading the whole body (a 413) and close its side. The client's
  // connection stays open (hop-by-hop headers such as `connection: close` are not forwarded) and the
  // rest of its body is read and dropped here, so it can finish sending and read the answer.
  const dropRestOfBody = () => {
    req.unpipe(upstream);
    req.resume();
  };
  // Like Supabase's edge: the function learns the client's address from X-Forwarded-For.
  const forwardedFor = [headerValue(req, "x-forwarded-for"), req.socket.remoteAddress].filter(Boolean).join(", ");
  const headers = { ...req.headers, host: target.host, "x-forwarded-for": forwardedFor };
  const upstream = http.request(target, { method: req.method, headers }, (reply) => {
    const { connection: _connection, "keep-alive": _keepAlive, "transfer-encoding": _encoding, ...headers } = reply.headers;
    res.writeHead(reply.statusCode ?? 502, { ...headers, ...CORS_HEADERS });
    reply.pipe(res);
    reply.once("end", dropRestOfBody);
    reply.once("aborted", () => res.destroy());
  });
  upstream.on("error", () => {
    dropRestOfBody();
    if (!res.headersSent) sendJson(res, { status: 502, body: { message: "Edge function unreachable" } });
  });
  // Bytes pass through untouched: the webhook verifies its signature over exactly these.
  req.pipe(upstream);
}

/** As GoTrue with `security.sb_forwarded_for_enabled`: a valid Sb-Forwarded-For names the client, else the peer does. */
function clientIpOf(req: http.IncomingMessage): string | null {
  const forwarded = headerValue(req, "sb-forwarded-for")?.split(",")[0]?.trim();
  if (forwarded && isIP(forwarded)) return forwarded;
  return req.socket.remoteAddress ?? null;
}

function headerValue(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sendJson(res: http.ServerResponse, reply: AuthReply) {
  const headers = { ...CORS_HEADERS, "x-supabase-api-version": "2024-01-01" };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  const cache = reply.status === 200 && "keys" in (reply.body as object) ? { "cache-control": "public, max-age=600" } : {};
  res.writeHead(reply.status, { ...headers, ...cache, "content-type": "application/json" }).end(JSON.stringify(reply.body));
}
