import { randomBytes } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import { asService } from "../db/client";
import { verifyAccessToken } from "../lib/access-tokens";
import { logger } from "../lib/logger";
import { closeRealtime, joinPrivateTopic } from "../lib/realtime-listener";
import { supabaseClient } from "../lib/supabase-client";
import { foundGym } from "../services/gym-founding";
import { probeLiveUpdates } from "../services/live-updates-probe";
import { type Check, type Finding, fine, reasonOf, wrong } from "./finding";
import { doctorEmail } from "./supabase-checks";

/**
 * What a signed-in member does, end to end, with an account and a gym of the doctor's own (both removed after): Auth
 * signs them in, the app verifies their token, a test broadcast reaches them over Realtime, another gym's topic is
 * refused.
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
    const admin = supabaseClient(serviceKey, { supabaseUrl: context.config.SUPABASE_URL }).auth.admin;
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
    const realtime = supabaseClient(context.config.SUPABASE_ANON_KEY, { supabaseUrl: context.config.SUPABASE_URL });
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
      await closeRealtime(realtime);
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
  if (!workspaceId) return wrong("could not make the test gym", "apply the migrations (`supabase db push`)");
  const probe = await probeLiveUpdates(check.claims, token, workspaceId, logger.child({ command: "doctor" }));
  if (!probe.success)
    return wrong(`could not send a test broadcast (${probe.error.message})`, "apply the migrations (`supabase db push`)");
  if (!probe.data.joined) {
    return wrong(
      "Realtime refused the member's own gym",
      "apply the migrations; enable Realtime's private channels (Dashboard → Realtime → Settings)",
    );
  }
  if (!probe.data.delivered) {
    return wrong(
      "a test broadcast did not arrive within 5 s",
      "check Realtime in the dashboard: its status, logs and the plan's message quota",
    );
  }
  const other = await joinPrivateTopic(realtime, token, `workspace:${crypto.randomUUID()}`);
  if (other !== "refused") {
    return wrong(
      `Realtime let a member join another gym's topic (${other})`,
      'turn off "Allow public access" (Dashboard → Realtime → Settings)',
    );
  }
  return fine(`token verified; a test broadcast arrived in ${probe.data.latencyMs} ms; another gym's topic refused`);
}
