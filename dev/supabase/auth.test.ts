import { describe, expect, inject, it } from "vitest";
import { createUser, signIn, supabaseClient, superuserSql } from "../test/fixtures";

describe("Auth stand-in, through the real supabase-js client", () => {
  it("signs in with email and password and returns a Supabase-shaped session", async () => {
    const user = await createUser();
    const session = await signIn(user);
    expect(session.user.email).toBe(user.email);
    expect(session.token_type).toBe("bearer");
    expect(session.expires_in).toBe(3600);

    const claims = JSON.parse(Buffer.from(session.access_token.split(".")[1] ?? "", "base64url").toString());
    expect(claims).toMatchObject({
      sub: user.id,
      aud: "authenticated",
      role: "authenticated",
      email: user.email,
      iss: `${inject("stack").supabaseUrl}/auth/v1`,
      aal: "aal1",
    });
    expect(claims.exp - claims.iat).toBe(3600);
    expect(typeof claims.session_id).toBe("string");
  });

  it("rejects a wrong password with GoTrue's invalid_credentials", async () => {
    const user = await createUser();
    const { data, error } = await supabaseClient("anon").auth.signInWithPassword({ email: user.email, password: "nope" });
    expect(data.session).toBeNull();
    expect(error?.code).toBe("invalid_credentials");
    expect(error?.status).toBe(400);
  });

  it("rotates refresh tokens: each works once, a late reuse ends the session", async () => {
    const user = await createUser();
    const first = await signIn(user);
    const auth = supabaseClient("anon").auth;

    const { data: refreshed, error } = await auth.refreshSession({ refresh_token: first.refresh_token });
    expect(error).toBeNull();
    const second = refreshed.session?.refresh_token;
    expect(second).toBeTruthy();
    expect(second).not.toBe(first.refresh_token);

    // Within GoTrue's reuse interval a concurrent caller gets the same successor, not a new branch.
    const { data: raced } = await auth.refreshSession({ refresh_token: first.refresh_token });
    expect(raced.session?.refresh_token).toBe(second);

    // Past the interval, reuse is treated as theft.
    await superuserSql()`update auth.refresh_tokens set updated_at = now() - interval '1 minute' where token = ${first.refresh_token}`;
    const reuse = await auth.refreshSession({ refresh_token: first.refresh_token });
    expect(reuse.error?.code).toBe("refresh_token_already_used");
    const afterTheft = await auth.refreshSession({ refresh_token: second ?? "" });
    expect(afterTheft.error?.code).toBe("refresh_token_not_found");
  });

  it("answers getUser for a live session and refuses it after sign-out", async () => {
    const user = await createUser();
    const session = await signIn(user);
    const auth = supabaseClient("anon").auth;
    const { data } = await auth.getUser(session.access_token);
    expect(data.user?.id).toBe(user.id);
    expect(JSON.stringify(data.user)).not.toContain("encrypted_password");

    const response = await fetch(`${inject("stack").supabaseUrl}/auth/v1/logout?scope=local`, {
      method: "POST",
      headers: { apikey: inject("stack").env.SUPABASE_ANON_KEY ?? "", authorization: `Bearer ${session.access_token}` },
    });
    expect(response.status).toBe(204);
    // GoTrue answers 403 session_not_found, which supabase-js reports as a missing session.
    const after = await auth.getUser(session.access_token);
    expect(after.data.user).toBeNull();
    expect(after.error?.name).toBe("AuthSessionMissingError");
  });

  it("creates users only with the service key, once per email", async () => {
    const email = `new-${Date.now()}@frontdesk.test`;
    const asAnon = await supabaseClient("anon").auth.admin.createUser({ email, password: "secret-123", email_confirm: true });
    expect(asAnon.error).not.toBeNull();

    const admin = supabaseClient("service").auth.admin;
    const created = await admin.createUser({
      email,
      password: "secret-123",
      email_confirm: true,
      user_metadata: { full_name: "Sam" },
    });
    expect(created.error).toBeNull();
    expect(created.data.user?.user_metadata).toEqual({ full_name: "Sam" });

    const duplicate = await admin.createUser({ email, password: "secret-123", email_confirm: true });
    expect(duplicate.error?.code).toBe("email_exists");
  });

  it("publishes only public keys at the JWKS endpoint", async () => {
    const response = await fetch(`${inject("stack").supabaseUrl}/auth/v1/.well-known/jwks.json`);
    expect(response.headers.get("cache-control")).toBe("public, max-age=600");
    const { keys } = (await response.json()) as { keys: Record<string, unknown>[] };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256" });
    expect(keys[0]).not.toHaveProperty("d");
  });

  it("refuses Auth calls without a project API key", async () => {
    const response = await fetch(`${inject("stack").supabaseUrl}/auth/v1/token?grant_type=password`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "a@b.c", password: "x" }),
    });
    expect(response.status).toBe(401);
  });
});
