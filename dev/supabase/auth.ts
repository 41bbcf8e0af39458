import { randomBytes } from "node:crypto";
import { type JWTPayload, jwtVerify, SignJWT } from "jose";
import type postgres from "postgres";
import type { SigningKeys } from "./keys";

/**
 * The GoTrue endpoints supabase-js calls, against `auth.users`, `auth.sessions` and
 * `auth.refresh_tokens`, answering in GoTrue's shapes and error codes.
 */
export interface AuthOptions {
  sql: postgres.Sql;
  keys: SigningKeys;
  /** Public URL of the gateway; tokens carry `<url>/auth/v1` as issuer. */
  url: string;
  jwtExpirySeconds: number;
  /** GoTrue's `refresh_token_reuse_interval`: a just-rotated token still answers (with its successor) for this long. */
  refreshReuseIntervalSeconds: number;
  /** GoTrue's `sessions.inactivity_timeout`: a session not refreshed for this long has ended. */
  sessionInactivitySeconds: number;
}

export interface AuthReply {
  status: number;
  body?: unknown;
}

export interface UserRow {
  id: string;
  aud: string | null;
  role: string | null;
  email: string | null;
  phone: string | null;
  email_confirmed_at: Date | null;
  phone_confirmed_at: Date | null;
  confirmed_at: Date | null;
  last_sign_in_at: Date | null;
  raw_app_meta_data: Record<string, unknown> | null;
  raw_user_meta_data: Record<string, unknown> | null;
  created_at: Date | null;
  updated_at: Date | null;
  is_anonymous: boolean;
  banned_until: Date | null;
}

export const USER_COLUMNS = `id, aud, role, email, phone, email_confirmed_at, phone_confirmed_at, confirmed_at,
  last_sign_in_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at, is_anonymous, banned_until`;

export function authError(status: number, code: string, message: string): AuthReply {
  return { status, body: { code, error_code: code, msg: message, message } };
}

/** A user as GoTrue answers with one. */
export function userJson(user: UserRow) {
  return {
    id: user.id,
    aud: user.aud ?? "authenticated",
    role: user.role ?? "authenticated",
    email: user.email ?? "",
    email_confirmed_at: user.email_confirmed_at,
    phone: user.phone ?? "",
    confirmed_at: user.confirmed_at,
    last_sign_in_at: user.last_sign_in_at,
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    identities: [],
    created_at: user.created_at,
    updated_at: user.updated_at,
    is_anonymous: user.is_anonymous,
  };
}

export function createAuth(options: AuthOptions) {
  const { sql, keys } = options;
  const issuer = `${options.url}/auth/v1`;

  async function session(user: UserRow, sessionId: string, refreshToken: string) {
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + options.jwtExpirySeconds;
    const accessToken = await new SignJWT({
      email: user.email ?? "",
      phone: user.phone ?? "",
      app_metadata: user.raw_app_meta_data ?? {},
      user_metadata: user.raw_user_meta_data ?? {},
      role: user.role ?? "authenticated",
      aal: "aal1",
      amr: [{ method: "password", timestamp: iat }],
      session_id: sessionId,
      is_anonymous: user.is_anonymous,
    })
      .setProtectedHeader({ alg: "ES256", kid: keys.kid, typ: "JWT" })
      .setIssuer(issuer)
      .setSubject(user.id)
      .setAudience(user.aud ?? "authenticated")
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(keys.privateKey);
    return {
      access_token: accessToken,
      token_type: "bearer",
      expires_in: options.jwtExpirySeconds,
      expires_at: exp,
      refresh_token: refreshToken,
      user: userJson(user),
    };
  }

  const newRefreshToken = () => randomBytes(16).toString("base64url");

  /** A new session and its first refresh token, answered as GoTrue answers a sign-in (or a verified link). */
  async function startSession(tx: postgres.TransactionSql, user: UserRow, clientIp: string | null) {
    const sessionId = crypto.randomUUID();
    const token = newRefreshToken();
    await tx`insert into auth.sessions (id, user_id, created_at, updated_at, ip)
             values (${sessionId}, ${user.id}, now(), now(), ${clientIp}::inet)`;
    await tx`insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, session_id)
             values ('00000000-0000-0000-0000-000000000000', ${token}, ${user.id}, false, now(), now(), ${sessionId})`;
    return session(user, sessionId, token);
  }

  /** The claims of a valid access token whose session still exists, or the GoTrue error. */
  async function authenticate(authorization: string | undefined): Promise<{ claims: JWTPayload } | { error: AuthReply }> {
    const token = authorization?.match(/^Bearer (.+)$/i)?.[1];
    if (!token) return { error: authError(401, "no_authorization", "This endpoint requires a valid Bearer token") };
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, keys.publicKey, { algorithms: ["ES256"] }));
    } catch {
      return { error: authError(403, "bad_jwt", "invalid JWT: unable to parse or verify signature") };
    }
    return { claims };
  }

  async function userFromToken(authorization: string | undefined) {
    const auth = await authenticate(authorization);
    if ("error" in auth) return auth;
    const { claims } = auth;
    if (claims.iss !== issuer || typeof claims.session_id !== "string" || typeof claims.sub !== "string") {
      return { error: authError(403, "bad_jwt", "invalid claim: missing sub claim") };
    }
    const [row] = await sql<(UserRow & { session_exists: boolean })[]>`
      select ${sql.unsafe(USER_COLUMNS)},
             exists (select 1 from auth.sessions s where s.id = ${claims.session_id} and s.user_id = u.id) as session_exists
      from auth.users u where u.id = ${claims.sub} and u.deleted_at is null`;
    if (!row) return { error: authError(403, "user_not_found", "User from sub claim in JWT does not exist") };
    if (!row.session_exists) {
      return { error: authError(403, "session_not_found", "Session from session_id claim in JWT does not exist") };
    }
    return { user: row, sessionId: claims.session_id };
  }

  return {
    /** `clientIp`: whom the request is for, as GoTrue reads it (Sb-Forwarded-For from a server, else the peer). */
    async signInWithPassword(body: { email?: unknown; password?: unknown }, clientIp: string | null): Promise<AuthReply> {
      if (typeof body.email !== "string" || typeof body.password !== "string" || !body.email || !body.password) {
        return authError(400, "validation_failed", "You must provide either an email or phone number and a password");
      }
      return sql.begin(async (tx) => {
        const [user] = await tx<UserRow[]>`
          update auth.users set last_sign_in_at = now(), updated_at = now()
          where lower(email) = lower(${body.email as string}) and deleted_at is null
            and encrypted_password = extensions.crypt(${body.password as string}, encrypted_password)
          returning ${tx.unsafe(USER_COLUMNS)}`;
        if (!user) return authError(400, "invalid_credentials", "Invalid login credentials");
        if (user.banned_until && user.banned_until > new Date()) return authError(400, "user_banned", "User is banned");
        if (!user.email_confirmed_at) return authError(400, "email_not_confirmed", "Email not confirmed");
        return { status: 200, body: await startSession(tx, user, clientIp) };
      });
    },

    startSession,

    async refresh(body: { refresh_token?: unknown }): Promise<AuthReply> {
      if (typeof body.refresh_token !== "string" || !body.refresh_token) {
        return authError(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
      }
      const presented = body.refresh_token;
      return sql.begin(async (tx) => {
        const [row] = await tx<
          { id: string; user_id: string; session_id: string; revoked: boolean; reusable: boolean; inactive: boolean }[]
        >`
          select t.id, t.user_id, t.session_id, t.revoked,
                 t.updated_at > now() - make_interval(secs => ${options.refreshReuseIntervalSeconds}) as reusable,
                 s.updated_at < now() - make_interval(secs => ${options.sessionInactivitySeconds}) as inactive
          from auth.refresh_tokens t join auth.sessions s on s.id = t.session_id
          where t.token = ${presented} for update of t`;
        if (!row) return authError(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
        if (row.inactive) {
          await tx`delete from auth.sessions where id = ${row.session_id}`;
          return authError(400, "session_expired", "Session Expired (Inactivity)");
        }
        let token: string;
        if (row.revoked) {
          const [child] = row.reusable
            ? await tx<{ token: string }[]>`
                select token from auth.refresh_tokens
                where session_id = ${row.session_id} and not revoked order by id desc limit 1`
            : [];
          if (!child) {
            // Reuse of a rotated token outside the grace window: treat it as stolen and end the session.
            await tx`delete from auth.sessions where id = ${row.session_id}`;
            return authError(400, "refresh_token_already_used", "Invalid Refresh Token: Already Used");
          }
          token = child.token;
        } else {
          token = newRefreshToken();
          await tx`update auth.refresh_tokens set revoked = true, updated_at = now() where id = ${row.id}`;
          await tx`insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
                   values ('00000000-0000-0000-0000-000000000000', ${token}, ${row.user_id}, false, now(), now(), ${presented}, ${row.session_id})`;
        }
        const [user] = await tx<UserRow[]>`
          select ${tx.unsafe(USER_COLUMNS)} from auth.users where id = ${row.user_id} and deleted_at is null`;
        if (!user) return authError(400, "user_not_found", "User not found");
        await tx`update auth.sessions set updated_at = now() where id = ${row.session_id}`;
        return { status: 200, body: await session(user, row.session_id, token) };
      });
    },

    async getUser(authorization: string | undefined): Promise<AuthReply> {
      const found = await userFromToken(authorization);
      if ("error" in found) return found.error;
      return { status: 200, body: userJson(found.user) };
    },

    async logout(authorization: string | undefined, scope: string | null): Promise<AuthReply> {
      const found = await userFromToken(authorization);
      if ("error" in found) return found.error;
      if (scope === "global") {
        await sql`delete from auth.sessions where user_id = ${found.user.id}`;
      } else if (scope === "others") {
        await sql`delete from auth.sessions where user_id = ${found.user.id} and id <> ${found.sessionId}`;
      } else {
        await sql`delete from auth.sessions where id = ${found.sessionId}`;
      }
      return { status: 204 };
    },

    /** GoTrue's `PUT /user`: the signed-in user's new password and metadata (merged), as updateUser sends them. */
    async updateUser(authorization: string | undefined, body: Record<string, unknown>): Promise<AuthReply> {
      const found = await userFromToken(authorization);
      if ("error" in found) return found.error;
      const password = typeof body.password === "string" ? body.password : null;
      if (password !== null && password.length < 6)
        return authError(422, "weak_password", "Password should be at least 6 characters.");
      const data = isObject(body.data) ? body.data : {};
      const [user] = await sql<UserRow[]>`
        update auth.users set
          encrypted_password = case when ${password}::text is null then encrypted_password
                                    else extensions.crypt(${password}, extensions.gen_salt('bf')) end,
          raw_user_meta_data = coalesce(raw_user_meta_data, '{}') || ${sql.json(data as postgres.JSONValue)},
          updated_at = now()
        where id = ${found.user.id}
        returning ${sql.unsafe(USER_COLUMNS)}`;
      if (!user) return authError(404, "user_not_found", "User not found");
      return { status: 200, body: userJson(user) };
    },

    /** Null when the bearer is the service role (GoTrue's admin endpoints), otherwise GoTrue's refusal. */
    async refuseUnlessServiceRole(authorization: string | undefined): Promise<AuthReply | null> {
      const auth = await authenticate(authorization);
      if ("error" in auth) return auth.error;
      return auth.claims.role === "service_role" ? null : authError(403, "not_admin", "User not allowed");
    },

    /** GoTrue's `GET` and `DELETE /admin/users/{id}` (supabase-js reads the user before it deletes one). */
    async adminUser(authorization: string | undefined, method: "GET" | "DELETE", id: string): Promise<AuthReply> {
      const auth = await authenticate(authorization);
      if ("error" in auth) return auth.error;
      if (auth.claims.role !== "service_role") return authError(403, "not_admin", "User not allowed");
      const [user] =
        method === "GET"
          ? await sql<UserRow[]>`select ${sql.unsafe(USER_COLUMNS)} from auth.users where id = ${id}::uuid and deleted_at is null`
          : await sql<UserRow[]>`delete from auth.users where id = ${id}::uuid returning ${sql.unsafe(USER_COLUMNS)}`;
      if (!user) return authError(404, "user_not_found", "User not found");
      return { status: 200, body: method === "GET" ? userJson(user) : {} };
    },

    async adminCreateUser(authorization: string | undefined, body: Record<string, unknown>): Promise<AuthReply> {
      const auth = await authenticate(authorization);
      if ("error" in auth) return auth.error;
      if (auth.claims.role !== "service_role") {
        return authError(403, "not_admin", "User not allowed");
      }
      const email = typeof body.email === "string" ? body.email.trim().toLowerCase() : "";
      const password = typeof body.password === "string" ? body.password : "";
      if (!/^[^@\s]+@[^@\s]+$/.test(email))
        return authError(400, "validation_failed", "Unable to validate email address: invalid format");
      if (password.length < 6) return authError(422, "weak_password", "Password should be at least 6 characters.");
      const appMetadata = { provider: "email", providers: ["email"], ...(isObject(body.app_metadata) ? body.app_metadata : {}) };
      const userMetadata = isObject(body.user_metadata) ? body.user_metadata : {};
      return sql.begin(async (tx) => {
        const [user] = await tx<UserRow[]>`
          insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
            confirmation_token, recovery_token, email_change_token_new, email_change,
            raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
          values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', ${email},
            extensions.crypt(${password}, extensions.gen_salt('bf')), ${body.email_confirm === true ? new Date() : null},
            '', '', '', '', ${tx.json(appMetadata as postgres.JSONValue)}, ${tx.json(userMetadata as postgres.JSONValue)}, now(), now())
          on conflict do nothing
          returning ${tx.unsafe(USER_COLUMNS)}`;
        if (!user) return authError(422, "email_exists", "A user with this email address has already been registered");
        await tx`insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
                 values (${user.id}, ${user.id}, ${tx.json({ sub: user.id, email, email_verified: body.email_confirm === true })}, 'email', now(), now())`;
        return { status: 200, body: userJson(user) };
      });
    },
  };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export type Auth = ReturnType<typeof createAuth>;
