import { redirect } from "@remix-run/node";
import { createServerClient, parseCookieHeader, serializeCookieHeader } from "@supabase/ssr";
import WebSocket from "ws";
import { config } from "../../server/lib/config";

/**
 * A Supabase client bound to this request's session cookies. Whatever it changes (sign-in, a
 * refreshed token, sign-out) lands in `headers` as Set-Cookie for the response.
 */
export function supabaseForRequest(request: Request) {
  const headers = new Headers();
  const supabase = createServerClient(config().SUPABASE_URL, config().SUPABASE_ANON_KEY, {
    cookies: {
      getAll: () =>
        parseCookieHeader(request.headers.get("Cookie") ?? "").map(({ name, value }) => ({ name, value: value ?? "" })),
      setAll: (cookies) => {
        for (const { name, value, options } of cookies) headers.append("Set-Cookie", serializeCookieHeader(name, value, options));
      },
    },
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

/** Only same-site paths, so `?next=` cannot send someone to another origin. */
export function safeNextPath(next: string | null): string {
  return next?.startsWith("/") && !next.startsWith("//") ? next : "/inbox";
}
