import { randomUUID } from "node:crypto";
import { type Check, type DoctorContext, fine, reasonOf, wrong } from "./finding";

/** Our tables, by the names the Data API would publish them under if it exposed `public`. */
const APP_TABLES = ["workspaces", "memberships", "contacts", "conversations", "messages", "channel_accounts", "audit_logs"];

async function fromSupabase(context: DoctorContext, path: string, init: RequestInit = {}) {
  const { SUPABASE_URL, SUPABASE_ANON_KEY } = context.config;
  return fetch(`${SUPABASE_URL.replace(/\/$/, "")}${path}`, {
    ...init,
    headers: { apikey: SUPABASE_ANON_KEY, ...init.headers },
    signal: AbortSignal.timeout(10_000),
  });
}

const authAnswers: Check = {
  name: "Supabase Auth answers with SUPABASE_ANON_KEY",
  async run(context) {
    try {
      const response = await fromSupabase(context, "/auth/v1/settings");
      if (response.status === 401) {
        return wrong(
          "Auth refuses SUPABASE_ANON_KEY",
          "copy the project's anon (publishable) key: Dashboard → Settings → API Keys",
        );
      }
      if (!response.ok) return wrong(`Auth answered ${response.status}`, "check SUPABASE_URL (https://<ref>.supabase.co)");
      return fine(context.config.SUPABASE_URL);
    } catch (error) {
      return wrong(
        `${context.config.SUPABASE_URL} does not answer (${reasonOf(error)})`,
        "check SUPABASE_URL (https://<ref>.supabase.co)",
      );
    }
  },
};

/** The app's SIGNUP and Auth's own switch agree: the anon key is public, so Auth's switch is the real door. */
const signupAgrees: Check = {
  name: "sign-up settings agree",
  async run(context) {
    try {
      const response = await fromSupabase(context, "/auth/v1/settings");
      const settings = (await response.json()) as { disable_signup?: boolean; mailer_autoconfirm?: boolean };
      const authOpen = settings.disable_signup === false;
      if (context.config.SIGNUP === "invite-only" && authOpen) {
        return wrong(
          "SIGNUP=invite-only, but Auth takes sign-ups: anyone can still make an account with the public anon key",
          'turn off "Allow new users to sign up" (Dashboard → Authentication → Sign In / Providers)',
        );
      }
      if (context.config.SIGNUP === "open" && !authOpen) {
        return wrong(
          "SIGNUP=open, but Auth refuses sign-ups: the sign-up page would fail",
          "allow new users to sign up in Auth, or set SIGNUP=invite-only",
        );
      }
      if (authOpen && settings.mailer_autoconfirm) {
        return wrong(
          "Auth confirms emails without asking: anyone can sign up as any address",
          'turn on "Confirm email" (Dashboard → Authentication → Sign In / Providers → Email)',
        );
      }
      return fine(context.config.SIGNUP === "open" ? "open, with email confirmation" : "invite-only");
    } catch (error) {
      return wrong(`cannot read Auth's settings (${reasonOf(error)})`, "fix SUPABASE_URL and SUPABASE_ANON_KEY first");
    }
  },
};

/** Access tokens are verified locally: against the project's JWKS, or SUPABASE_JWT_SECRET on a project still on HS256. */
const signingKeys: Check = {
  name: "Auth's signing key can be verified",
  async run(context) {
    try {
      const response = await fromSupabase(context, "/auth/v1/.well-known/jwks.json");
      const { keys } = (await response.json()) as { keys?: { alg?: string; kid?: string }[] };
      if (keys && keys.length > 0)
        return fine(`JWKS: ${keys.map((key) => `${key.alg ?? "?"} ${key.kid ?? ""}`.trim()).join(", ")}`);
      if (context.config.SUPABASE_JWT_SECRET) return fine("HS256 with SUPABASE_JWT_SECRET (the JWKS is empty)");
      return wrong(
        "the project's JWKS is empty (it signs with the legacy HS256 secret) and SUPABASE_JWT_SECRET is not set",
        "migrate to asymmetric JWT signing keys (Dashboard → Settings → JWT Keys), or set SUPABASE_JWT_SECRET",
      );
    } catch (error) {
      return wrong(`cannot read the JWKS (${reasonOf(error)})`, "fix SUPABASE_URL first");
    }
  },
};

const dataApiClosed: Check = {
  name: "the Data API exposes no table of ours",
  async run(context) {
    try {
      const response = await fromSupabase(context, "/rest/v1/");
      if (response.status === 404 || response.status === 503) return fine("the Data API is off");
      if (!response.ok) return fine(`it answered ${response.status}: it publishes nothing to the anon key`);
      const spec = (await response.json().catch(() => ({}))) as { paths?: Record<string, unknown> };
      const exposed = APP_TABLES.filter((table) => spec.paths && `/${table}` in spec.paths);
      return exposed.length === 0
        ? fine("on, but none of our tables is published")
        : wrong(
            `the Data API publishes ${exposed.join(", ")}`,
            "turn the Data API off (Dashboard → Settings → Data API) or take public out of its exposed schemas",
          );
    } catch (error) {
      return wrong(`cannot ask the Data API (${reasonOf(error)})`, "fix SUPABASE_URL first");
    }
  },
};

/** Meta's subscription handshake, as Meta makes it when the app's callback URL is saved. */
const webhookHandshake: Check = {
  name: "the edge function answers Meta's handshake",
  async run(context) {
    const challenge = String(Math.floor(Math.random() * 1e9));
    const query = new URLSearchParams({
      "hub.mode": "subscribe",
      "hub.verify_token": context.config.META_VERIFY_TOKEN,
      "hub.challenge": challenge,
    });
    try {
      const response = await fromSupabase(context, `/functions/v1/meta-webhook?${query}`);
      const body = await response.text();
      if (response.ok && body === challenge) return fine(`${context.config.SUPABASE_URL}/functions/v1/meta-webhook`);
      if (response.status === 403) {
        return wrong(
          "the function refuses META_VERIFY_TOKEN",
          "set the same META_VERIFY_TOKEN for the function: `supabase secrets set META_VERIFY_TOKEN=…`",
        );
      }
      if (response.status === 404)
        return wrong("the function is not deployed", "`supabase functions deploy meta-webhook --no-verify-jwt`");
      return wrong(`the function answered ${response.status}`, "read its logs: Dashboard → Edge Functions → meta-webhook → Logs");
    } catch (error) {
      return wrong(
        `the function does not answer (${reasonOf(error)})`,
        "`supabase functions deploy meta-webhook --no-verify-jwt`",
      );
    }
  },
};

export const SUPABASE_CHECKS: Check[] = [authAnswers, signupAgrees, signingKeys, dataApiClosed, webhookHandshake];

/** A unique address no one receives mail at, for the doctor's own throwaway account. */
export const doctorEmail = () => `doctor-${randomUUID()}@frontdesk-doctor.invalid`;
