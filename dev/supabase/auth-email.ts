import { createHash, randomInt } from "node:crypto";
import nodemailer from "nodemailer";
import type postgres from "postgres";
import { type Auth, type AuthReply, authError, isObject, USER_COLUMNS, type UserRow, userJson } from "./auth";
import { type AuthEmailKind, type AuthEmailSettings, renderTemplate } from "./auth-settings";

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
 * GoTrue's email flows: sign-up (`/signup`, its confirmation email, `/resend`), invitations (`/invite`), password
 * resets (`/recover`), each email from the project's template over SMTP, `/verify` with a link's token hash, and the
 * public `/settings` — in GoTrue's shapes, codes and rules (one email per
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

  type Mailable = UserRow & { confirmation_sent_at: Date | null; recovery_sent_at?: Date | null };

  /**
   * One of Auth's emails with a fresh link: a sign-up's confirmation or an invitation (the confirmation token), or a
   * password reset (the recovery token). At most one per address per `max_frequency`, as GoTrue allows.
   */
  async function sendLink(tx: postgres.TransactionSql, user: Mailable, kind: AuthEmailKind) {
    const email = user.email ?? "";
    const lastSent = kind === "recovery" ? (user.recovery_sent_at ?? null) : user.confirmation_sent_at;
    const waited = lastSent ? (Date.now() - lastSent.getTime()) / 1000 : Number.POSITIVE_INFINITY;
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
    if (kind === "recovery") {
      await tx`update auth.users set recovery_token = ${hash}, recovery_sent_at = now(), updated_at = now() where id = ${user.id}`;
    } else {
      await tx`update auth.users set confirmation_token = ${hash}, confirmation_sent_at = now(), updated_at = now()
               where id = ${user.id}`;
    }
    const { subject, html } = settings.templates[kind];
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

  const sendConfirmation = (tx: postgres.TransactionSql, user: Mailable) => sendLink(tx, user, "confirmation");

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

    /**
     * GoTrue's `POST /invite` (service role; supabase-js `auth.admin.inviteUserByEmail`): a user with no password yet,
     * `invited_at` set, and the invitation email. An address that already has a confirmed account is refused, as
     * GoTrue refuses it; one invited before and not yet accepted is invited again.
     */
    async invite(authorization: string | undefined, body: Record<string, unknown>): Promise<AuthReply> {
      const refused = await options.auth.refuseUnlessServiceRole(authorization);
      if (refused) return refused;
      const email = typeof body.email === "string" ? body.email.trim().toLowerCase() : "";
      if (!EMAIL_FORMAT.test(email))
        return authError(400, "validation_failed", "Unable to validate email address: invalid format");
      const userMetadata = isObject(body.data) ? body.data : {};
      return sql.begin(async (tx) => {
        const [existing] = await tx<Mailable[]>`
          select ${tx.unsafe(USER_COLUMNS)}, confirmation_sent_at from auth.users
          where lower(email) = ${email} and deleted_at is null for update`;
        if (existing?.email_confirmed_at)
          return authError(422, "email_exists", "A user with this email address has already been registered");
        const [user] = existing
          ? [existing]
          : await tx<Mailable[]>`
              insert into auth.users (instance_id, id, aud, role, email, invited_at, confirmation_token, recovery_token,
                email_change_token_new, email_change, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
              values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', ${email},
                now(), '', '', '', '', ${tx.json({ provider: "email", providers: ["email"] })},
                ${tx.json(userMetadata as postgres.JSONValue)}, now(), now())
              returning ${tx.unsafe(USER_COLUMNS)}, confirmation_sent_at`;
        if (!user) throw new Error("invite insert returned nothing");
        if (!existing) {
          await tx`insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
                   values (${user.id}, ${user.id}, ${tx.json({ sub: user.id, email, email_verified: false })}, 'email', now(), now())`;
        } else {
          await tx`update auth.users set invited_at = now() where id = ${user.id}`;
        }
        const limited = await sendLink(tx, user, "invite");
        return limited ?? { status: 200, body: userJson(user) };
      });
    },

    /**
     * GoTrue's `POST /recover` (resetPasswordForEmail): a reset link to a confirmed account. Answered the same whether
     * or not the address has one, so it cannot be used to find accounts.
     */
    async recover(body: Record<string, unknown>): Promise<AuthReply> {
      const email = typeof body.email === "string" ? body.email.trim().toLowerCase() : "";
      if (!EMAIL_FORMAT.test(email))
        return authError(400, "validation_failed", "Unable to validate email address: invalid format");
      return sql.begin(async (tx) => {
        const [user] = await tx<Mailable[]>`
          select ${tx.unsafe(USER_COLUMNS)}, confirmation_sent_at, recovery_sent_at from auth.users
          where lower(email) = ${email} and deleted_at is null and email_confirmed_at is not null for update`;
        const limited = user ? await sendLink(tx, user, "recovery") : null;
        return limited ?? { status: 200, body: {} };
      });
    },

    /** GoTrue's `POST /verify` with a link's token hash: a sign-up, an invitation or a reset, each its own token. */
    async verify(body: Record<string, unknown>, clientIp: string | null): Promise<AuthReply> {
      const hash = typeof body.token_hash === "string" ? body.token_hash : "";
      const type = body.type;
      if (type !== "email" && type !== "signup" && type !== "invite" && type !== "recovery")
        return authError(400, "validation_failed", "Verify requires a verification type");
      if (!hash) return authError(400, "validation_failed", "Verify requires either a token or a token hash");
      return sql.begin(async (tx) => {
        const [user] =
          type === "recovery"
            ? await tx<UserRow[]>`
                update auth.users set recovery_token = '', last_sign_in_at = now(), updated_at = now()
                where recovery_token = ${hash} and deleted_at is null
                  and recovery_sent_at > now() - make_interval(secs => ${settings.otpExpirySeconds})
                returning ${tx.unsafe(USER_COLUMNS)}`
            : await tx<UserRow[]>`
                update auth.users set email_confirmed_at = coalesce(email_confirmed_at, now()), confirmation_token = '',
                                      last_sign_in_at = now(), updated_at = now()
                where confirmation_token = ${hash} and deleted_at is null
                  and (${type} = 'invite') = (invited_at is not null and email_confirmed_at is null)
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
