import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { supabaseForRequest } from "../auth/session.server";

/**
 * The signed-in user's current access token, for the browser's Realtime connection (realtime-js asks
 * on connect and on every heartbeat). The session stays in its cookies and is refreshed here, on the
 * server: the browser's code never handles the refresh token (ADR 007).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { supabase, headers } = supabaseForRequest(request);
  headers.set("cache-control", "no-store");
  const { data: claims, error } = await supabase.auth.getClaims();
  const { data } = error || !claims ? { data: { session: null } } : await supabase.auth.getSession();
  if (!data.session) return json({ error: "Signed out" }, { status: 401, headers });
  return json({ accessToken: data.session.access_token, expiresAt: data.session.expires_at ?? 0 }, { headers });
}
