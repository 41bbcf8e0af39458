import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import WebSocket from "ws";
import { config } from "./config";

/**
 * A server-side supabase-js client for this project: with an API key (anon, or the service role for operator work),
 * and, to act as a signed-in member, their access token on every request (Storage then applies its policies to them).
 */
export function supabaseClient(apiKey: string, options: { accessToken?: string; supabaseUrl?: string } = {}): SupabaseClient {
  return createClient(options.supabaseUrl ?? config().SUPABASE_URL, apiKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    ...(options.accessToken ? { global: { headers: { Authorization: `Bearer ${options.accessToken}` } } } : {}),
    // supabase-js builds its Realtime client eagerly; Node before 22 has no WebSocket of its own.
    realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
  });
}
