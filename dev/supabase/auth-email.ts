import { createHash, randomInt } from "node:crypto";
import nodemailer from "nodemailer";
import type postgres from "postgres";
import { type Auth, type AuthReply, authError, isObject, USER_COLUMNS, type UserRow, userJson } from "./auth";
import { type AuthEmailSettings, renderTemplate } from "./auth-settings";

export interface EmailAuthOptions {
  sql: postgres.Sql;
  auth: Auth;
  settings: AuthEmailSettings;
  /** Auth's Site URL: where the links in its emails point (the app). */
  siteUrl: string;
  smtp: { host: string; port: number };
  onLog?: (line: string) => void;
}

const SENDER = "Frontdesk <no-reply@frontdesk.local>";
const EMAIL_FORMAT = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/**
 * GoTrue's email sign-up: `/signup`, the confirmation email (the project's template, over SMTP), `/verify` with the
 * link's token hash, `/resend`, and the public `/settings` — in GoTrue's shapes, codes and rules (one email per
 * address per `max_frequency`, links that expire after `otp_expiry`, an address that has an account answered like a
 * new one).
 */
export function createEmailAuth(options: EmailAuthOptions) {
  const { sql, settings } = options;
  const transport = nodemailer.createTransport({ ...options.smtp, secure: false, ignoreTLS: true });

  /** GoTrue's token hash: sha224 of the address and the one-time code, hex. */
  const tokenHash = (email: string, otp: string) =>
    createHash("sha224")
      .update(email + otp)
      .digest("hex");

  async function sendConfirmation(tx: postgres.TransactionSql, user: UserRow & { confirmation_sent_at: Date | null }) {
    const email = user.email ?? "";
    const waited = user.confirmation_sent_at
      ? (Date.now() - user.confirmation_sent_at.getTime()) / 1000
      : Number.POSITIVE_INFINITY;
    if (waited < settings.maxFrequencySeconds) {
      const seconds = Math.ceil(settings.maxFrequencySeconds - waited);
      return authError(
        429,
        "over_email_send_rate_limit",
        `For security purposes, you can only request this after ${seconds} seconds.`,
      );
    }
    const otp = String(randomInt(0, 1_000_000)).padStart(6, "0");
    const hash = tokenHash(email, otp);
    await tx`update auth.users set confirmation_token = ${hash}, confirmation_sent_at = now(), updated_at = now()
             where id = ${user.id}`;
    const { subject, html } = settings.templates.confirmation;
    await transport.sendMail({
      from: SENDER,
      to: email,
      subject,
      html: renderTemplate(html, {
        SiteURL: options.siteUrl,
        TokenHash: hash,
        Token: otp,
        Email: email,
        RedirectTo: options.siteUrl,
      }),
    });
    return null;
  }

  return {
    settings(): AuthReply {
      return {
        status: 200,
        body: {
          external: { email: true, phone: false, anonymous_users: false },
          disable_signup: !settings.signupEnabled,
          mailer_autoconfirm: !settings.confirmationsEnabled,
          phone_autoconfirm: false,
          sms_provider: "",
          saml_enabled: false,
        },
      };
    },

    async signup(body: Record<string, unknown>): Promise<AuthReply> {
      if (!settings.signupEnabled) return authError(422, "signup_disabled", "Signups not allowed for this instance");
      const email = typeof body.email === "string" ? body.email.trim().toLowerCase() : "";
      const password = typeof body.password === "string" ? body.password : "";
      if (!EMAIL_FORMAT.test(email))
        return authError(400, "validation_failed", "Unable to validate email address: invalid format");
      if (password.length < 6) return authError(422, "weak_password", "Password should be at least 6 characters.");
      const userMetadata = isObject(body.data) ? body.data : {};
      return sql.begin(async (tx) => {
        const [inserted] = await tx<(UserRow & { confirmation_sent_at: Date | null })[]>`
          insert into auth.users (instance_id, id, aud, role, email, encrypted_password, confirmation_token, recovery_token,
            email_change_token_new, email_change, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
          values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', ${email},
            extensions.crypt(${password}, extensions.gen_salt('bf')), '', '', '', '',
            ${tx.json({ provider: "email", providers: ["email"] })}, ${tx.json(userMetadata as postgres.JSONValue)}, now(), now())
          on conflict do nothing
          returning ${tx.unsafe(USER_COLUMNS)}, confirmation_sent_at`;
        if (inserted) {
          await tx`insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
                   values (${inserted.id}, ${inserted.id}, ${tx.json({ sub: inserted.id, email, email_verified: false })}, 'email', now(), now())`;
          const refused = await sendConfirmation(tx, inserted);
          return refused ?? { status: 200, body: userJson(inserted) };
        }
        const [existing] = await tx<(UserRow & { confirmation_sent_at: Date | null })[]>`
          select ${tx.unsafe(USER_COLUMNS)}, confirmation_sent_at from auth.users
          where lower(email) = ${email} and deleted_at is null for update`;
        if (existing && !existing.email_confirmed_at) {
          const refused = await sendConfirmation(tx, existing);
          return refused ?? { status: 200, body: userJson(existing) };
        }
        // An address with an account: answered like a new one, sending nothing, so sign-up cannot probe for accounts.
        const now = new Date();
        return {
          status: 200,
          body: {
            ...userJson({ ...(existing as UserRow), id: crypto.randomUUID(), created_at: now, updated_at: now }),
            identities: [],
          },
        };
      });
    },

    async resend(body: Record<string, unknown>): Promise<AuthReply> {
      if (body.type !== "signup") return authError(400, "validation_failed", "Unsupported type for resend");
      const email = typeof body.email === "string" ? body.email.trim().toLowerCase() : "";
      if (!EMAIL_FORMAT.test(email))
        return authError(400, "validation_failed", "Unable to validate email address: invalid format");
      return sql.begin(async (tx) => {
        const [user] = await tx<(UserRow & { confirmation_sent_at: Date | null })[]>`
          select ${tx.unsafe(USER_COLUMNS)}, confirmation_sent_at from auth.users
          where lower(email) = ${email} and deleted_at is null and email_confirmed_at is null for update`;
        const refused = user ? await sendConfirmation(tx, user) : null;
        return refused ?? { status: 200, body: {} };
      });
    },

    async verify(body: Record<string, unknown>, clientIp: string | null): Promise<AuthReply> {
      const hash = typeof body.token_hash === "string" ? body.token_hash : "";
      if (body.type !== "email" && body.type !== "signup")
        return authError(400, "validation_failed", "Verify requires a verification type");
      if (!hash) return authError(400, "validation_failed", "Verify requires either a token or a token hash");
      return sql.begin(async (tx) => {
        const [user] = await tx<UserRow[]>`
          update auth.users set email_confirmed_at = now(), confirmation_token = '', last_sign_in_at = now(), updated_at = now()
          where confirmation_token = ${hash} and deleted_at is null
            and confirmation_sent_at > now() - make_interval(secs => ${settings.otpExpirySeconds})
          returning ${tx.unsafe(USER_COLUMNS)}`;
        if (!user) return authError(403, "otp_expired", "Email link is invalid or has expired");
        await tx`update auth.identities set identity_data = identity_data || '{"email_verified": true}', updated_at = now()
                 where user_id = ${user.id} and provider = 'email'`;
        return { status: 200, body: await options.auth.startSession(tx, user, clientIp) };
      });
    },
  };
}

export type EmailAuth = ReturnType<typeof createEmailAuth>;
