import { randomBytes } from "node:crypto";
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import WebSocket from "ws";
import { asService } from "../db/client";
import { verifyAccessToken } from "../lib/access-tokens";
import { foundGym } from "../services/gym-founding";
import { type Check, type DoctorContext, type Finding, fine, reasonOf, wrong } from "./finding";
import { doctorEmail } from "./supabase-checks";

const JOIN_TIMEOUT_MS = 10_000;

function client(context: DoctorContext, key: string): SupabaseClient {
  return createClient(context.config.SUPABASE_URL, key, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
  });
}

/** Joins a private topic with the user's token: "joined", or "refused" (Realtime's authorization said no). */
async function join(supabase: SupabaseClient, accessToken: string, topic: string): Promise<"joined" | "refused" | "timed out"> {
  await supabase.realtime.setAuth(accessToken);
  const channel = supabase.channel(topic, { config: { private: true } });
  try {
    return await new Promise((resolve) => {
      const timer = setTimeout(() => resolve("timed out"), JOIN_TIMEOUT_MS);
      channel.subscribe((status) => {
        if (status === "SUBSCRIBED" || status === "CHANNEL_ERROR" || status === "TIMED_OUT") {
          clearTimeout(timer);
          resolve(status === "SUBSCRIBED" ? "joined" : status === "CHANNEL_ERROR" ? "refused" : "timed out");
        }
      });
    });
  } finally {
    await supabase.removeChannel(channel);
  }
}

/**
 * What a signed-in member does, end to end, with an account and a gym of the doctor's own (both removed after): Auth
 * signs them in, the app verifies their token, Realtime lets them join their gym's topic and refuses another's.
 */
export const signedInMember: Check = {
  name: "a signed-in member gets live updates, and only their own",
  async run(context) {
    const serviceKey = context.config.SUPABASE_SERVICE_ROLE_KEY;
    if (!serviceKey) {
      return wrong(
        "SUPABASE_SERVICE_ROLE_KEY is not set, so this cannot be tried",
        "set it (Dashboard → Settings → API Keys → service_role)",
      );
    }
    const admin = client(context, serviceKey).auth.admin;
    const email = doctorEmail();
    const password = randomBytes(18).toString("base64url");
    const created = await admin
      .createUser({ email, password, email_confirm: true })
      .catch((error: unknown) => ({ data: null, error }));
    if (created.error || !created.data?.user) {
      return wrong(`Auth would not make a test account (${reasonOf(created.error)})`, "check SUPABASE_SERVICE_ROLE_KEY");
    }
    const userId = created.data.user.id;
    let workspaceId: string | null = null;
    const realtime = client(context, context.config.SUPABASE_ANON_KEY);
    try {
      workspaceId = (await asService((tx) => foundGym(tx, "Frontdesk doctor", userId))).workspaceId;
      const signedIn = await realtime.auth.signInWithPassword({ email, password });
      if (signedIn.error || !signedIn.data.session)
        return wrong(`Auth would not sign in (${signedIn.error?.code})`, "read Auth's logs");
      const token = signedIn.data.session.access_token;
      return await tryToken(realtime, token, workspaceId);
    } catch (error) {
      return wrong(`could not try it (${reasonOf(error)})`, "fix the checks above first");
    } finally {
      realtime.realtime.disconnect();
      if (workspaceId) await asService((tx) => tx`delete from public.workspaces where id = ${workspaceId}`).catch(() => {});
      await admin.deleteUser(userId).catch(() => {});
    }
  },
};

async function tryToken(realtime: SupabaseClient, token: string, workspaceId: string | null): Promise<Finding> {
  const check = await verifyAccessToken(token);
  if (!check.valid) {
    return wrong(
      `the app refuses Auth's own token (${check.reason})`,
      "SUPABASE_URL must be this project's; on HS256 set SUPABASE_JWT_SECRET",
    );
  }
  const own = await join(realtime, token, `workspace:${workspaceId}`);
  if (own !== "joined") {
    return wrong(
      `Realtime ${own} the member's own gym`,
      "apply the migrations; enable Realtime's private channels (Dashboard → Realtime → Settings)",
    );
  }
  const other = await join(realtime, token, `workspace:${crypto.randomUUID()}`);
  if (other !== "refused") {
    return wrong(
      `Realtime let a member join another gym's topic (${other})`,
      'turn off "Allow public access" (Dashboard → Realtime → Settings)',
    );
  }
  return fine("token verified; own gym joined, another refused");
}
