import { redirect } from "@remix-run/node";
import { type CookieOptions, createServerClient, parseCookieHeader, serializeCookieHeader } from "@supabase/ssr";
import WebSocket from "ws";
import { config } from "../../server/lib/config";
import { SESSION_INACTIVITY_DAYS } from "../../server/lib/session-policy";

/**
 * The session cookies hold the refresh token: never readable by the page's scripts (HttpOnly), not sent on
 * cross-site subrequests (SameSite=Lax), https-only wherever the app is served over https.
 */
function sessionCookieOptions(options: CookieOptions): CookieOptions {
  const secure = new URL(config().APP_URL).protocol === "https:";
  // A cookie being cleared keeps its max age of 0.
  const maxAge = options.maxAge === 0 ? 0 : SESSION_INACTIVITY_DAYS * 24 * 60 * 60;
  return { ...options, path: "/", httpOnly: true, sameSite: "lax", secure, maxAge };
}

/**
 * A Supabase client bound to this request's session cookies. Whatever it changes (sign-in, a
 * refreshed token, sign-out) lands in `headers` as Set-Cookie for the response. With the client's IP,
 * Auth is told whose request it is (`Sb-Forwarded-For`), so its own per-IP limits do not see only this server.
 */
export function supabaseForRequest(request: Request, clientIp?: string) {
  const headers = new Headers();
  const supabase = createServerClient(config().SUPABASE_URL, config().SUPABASE_ANON_KEY, {
    cookies: {
      getAll: () =>
        parseCookieHeader(request.headers.get("Cookie") ?? "").map(({ name, value }) => ({ name, value: value ?? "" })),
      setAll: (cookies) => {
        for (const { name, value, options } of cookies) {
          headers.append("Set-Cookie", serializeCookieHeader(name, value, sessionCookieOptions(options)));
        }
      },
    },
    global: clientIp ? { headers: { "Sb-Forwarded-For": clientIp } } : undefined,
    auth: { flowType: "pkce" },
    // Node 20 has no global WebSocket and supabase-js builds its Realtime client eagerly.
    realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
  });
  return { supabase, headers };
}

/** What the browser needs to open its own Realtime connection; the project URL and anon key are public by design. */
export function browserSupabaseSettings() {
  return { url: config().SUPABASE_URL, anonKey: config().SUPABASE_ANON_KEY };
}

/** The verified access token of the signed-in user, or null. Refreshes an expired session through its cookies. */
export async function accessTokenFrom(supabase: ReturnType<typeof supabaseForRequest>["supabase"]): Promise<string | null> {
  const { data } = await supabase.auth.getSession();
  return data.session?.access_token ?? null;
}

/** Loader guard: the signed-in user's claims, or a redirect to /login that comes back here afterwards. */
export async function requireUser(request: Request) {
  const { supabase, headers } = supabaseForRequest(request);
  const { data, error } = await supabase.auth.getClaims();
  if (error || !data?.claims) {
    const url = new URL(request.url);
    const next = `${url.pathname}${url.search}`;
    throw redirect(`/login?next=${encodeURIComponent(next)}`, { headers });
  }
  return { claims: data.claims, headers };
}

const APP_HOME = "/inbox";

/**
 * Where `?next=` may send someone after signing in: resolved as the browser would resolve it, and kept only when
 * that lands on this origin (`/\\evil.com`, `/%09/evil.com` and `//evil.com` all resolve elsewhere).
 */
export function safeNextPath(next: string | null, origin: string): string {
  if (!next) return APP_HOME;
  try {
    const target = new URL(next, origin);
    const path = `${target.pathname}${target.search}${target.hash}`;
    // A path like `/.//evil.com` resolves to `//evil.com`, which a Location header would read as another host.
    return target.origin === new URL(origin).origin && !path.startsWith("//") ? path : APP_HOME;
  } catch {
    return APP_HOME;
  }
}
