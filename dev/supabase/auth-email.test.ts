import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { supabaseClient, superuserSql } from "../test/fixtures";
import { emailsTo, linkIn, nthEmailTo } from "../test/mailbox";
import { readAuthEmailSettings } from "./auth-settings";

const { mailUrl } = inject("stack");
const newAddress = () => `owner-${randomUUID().slice(0, 8)}@frontdesk.test`;

async function signUp(email: string, password = "a long enough password") {
  return supabaseClient("anon").auth.signUp({ email, password });
}

describe("Auth stand-in: sign-up with a confirmation email", () => {
  it("sends the project's confirmation email, whose link confirms the address once and signs in", async () => {
    const email = newAddress();
    const { data, error } = await signUp(email);
    expect(error).toBeNull();
    expect(data.session).toBeNull();
    expect(data.user?.email).toBe(email);

    const sent = await nthEmailTo(mailUrl, email);
    expect(sent.subject).toBe(readAuthEmailSettings("supabase/config.toml").templates.confirmation.subject);
    const link = linkIn(sent, "/auth/confirm");
    expect(link.origin).toBe("http://127.0.0.1:3000");
    expect(link.searchParams.get("type")).toBe("email");

    const tokenHash = link.searchParams.get("token_hash") ?? "";
    const anon = supabaseClient("anon").auth;
    const verified = await anon.verifyOtp({ type: "email", token_hash: tokenHash });
    expect(verified.error).toBeNull();
    expect(verified.data.session?.user.email).toBe(email);
    const [user] = await superuserSql()<{ confirmed: boolean }[]>`
      select email_confirmed_at is not null as confirmed from auth.users where email = ${email}`;
    expect(user?.confirmed).toBe(true);

    const again = await supabaseClient("anon").auth.verifyOtp({ type: "email", token_hash: tokenHash });
    expect(again.error?.code).toBe("otp_expired");
  });

  it("refuses to sign in before the address is confirmed", async () => {
    const email = newAddress();
    await signUp(email, "the right password");
    const { error } = await supabaseClient("anon").auth.signInWithPassword({ email, password: "the right password" });
    expect(error?.code).toBe("email_not_confirmed");
  });

  it("answers an address that has an account like a new one, and sends it nothing", async () => {
    const email = newAddress();
    await signUp(email);
    const link = linkIn(await nthEmailTo(mailUrl, email), "/auth/confirm");
    await supabaseClient("anon").auth.verifyOtp({ type: "email", token_hash: link.searchParams.get("token_hash") ?? "" });

    const { data, error } = await signUp(email, "someone else's guess");
    expect(error).toBeNull();
    expect(data.user?.email).toBe(email);
    expect(data.session).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await emailsTo(mailUrl, email)).toHaveLength(1);
  });

  it("sends another confirmation only after max_frequency, and the newest link is the one that works", async () => {
    const email = newAddress();
    await signUp(email);
    const first = linkIn(await nthEmailTo(mailUrl, email), "/auth/confirm");
    const tooSoon = await supabaseClient("anon").auth.resend({ type: "signup", email });
    expect(tooSoon.error?.code).toBe("over_email_send_rate_limit");

    await superuserSql()`update auth.users set confirmation_sent_at = now() - interval '2 minutes' where email = ${email}`;
    const resent = await supabaseClient("anon").auth.resend({ type: "signup", email });
    expect(resent.error).toBeNull();
    const second = linkIn(await nthEmailTo(mailUrl, email, 2), "/auth/confirm");

    const stale = await supabaseClient("anon").auth.verifyOtp({
      type: "email",
      token_hash: first.searchParams.get("token_hash") ?? "",
    });
    expect(stale.error?.code).toBe("otp_expired");
    const fresh = await supabaseClient("anon").auth.verifyOtp({
      type: "email",
      token_hash: second.searchParams.get("token_hash") ?? "",
    });
    expect(fresh.error).toBeNull();
  });

  it("lets a link expire after otp_expiry", async () => {
    const email = newAddress();
    await signUp(email);
    const link = linkIn(await nthEmailTo(mailUrl, email), "/auth/confirm");
    await superuserSql()`update auth.users set confirmation_sent_at = now() - interval '2 hours' where email = ${email}`;
    const late = await supabaseClient("anon").auth.verifyOtp({
      type: "email",
      token_hash: link.searchParams.get("token_hash") ?? "",
    });
    expect(late.error?.code).toBe("otp_expired");
  });

  it("publishes whether sign-ups are open in /settings, as GoTrue does", async () => {
    const response = await fetch(`${inject("stack").supabaseUrl}/auth/v1/settings`, {
      headers: { apikey: inject("stack").env.SUPABASE_ANON_KEY ?? "" },
    });
    expect(await response.json()).toMatchObject({ disable_signup: false, mailer_autoconfirm: false, external: { email: true } });
  });
});

describe("Auth stand-in: invitations and password resets", () => {
  it("an invitation (service role only) emails a link that signs the invitee in once; they then set a password", async () => {
    const email = newAddress();
    expect((await supabaseClient("anon").auth.admin.inviteUserByEmail(email)).error?.status).toBe(403);
    const invited = await supabaseClient("service").auth.admin.inviteUserByEmail(email, { data: { full_name: "Casey" } });
    expect(invited.error).toBeNull();

    const sent = await nthEmailTo(mailUrl, email);
    expect(sent.subject).toBe(readAuthEmailSettings("supabase/config.toml").templates.invite.subject);
    const link = linkIn(sent, "/auth/confirm");
    expect(link.searchParams.get("type")).toBe("invite");
    const tokenHash = link.searchParams.get("token_hash") ?? "";
    // An invitation's link is not a sign-up's, nor a reset's.
    expect((await supabaseClient("anon").auth.verifyOtp({ type: "email", token_hash: tokenHash })).error?.code).toBe(
      "otp_expired",
    );
    const client = supabaseClient("anon");
    const verified = await client.auth.verifyOtp({ type: "invite", token_hash: tokenHash });
    expect(verified.error).toBeNull();
    expect(verified.data.user?.user_metadata.full_name).toBe("Casey");
    expect((await client.auth.updateUser({ password: "casey's long password" })).error).toBeNull();
    const signedIn = await supabaseClient("anon").auth.signInWithPassword({ email, password: "casey's long password" });
    expect(signedIn.error).toBeNull();
    expect((await supabaseClient("anon").auth.verifyOtp({ type: "invite", token_hash: tokenHash })).error?.code).toBe(
      "otp_expired",
    );

    // An address with an account cannot be invited again.
    expect((await supabaseClient("service").auth.admin.inviteUserByEmail(email)).error?.code).toBe("email_exists");
  });

  it("a reset emails a link to an account, answers an unknown address the same, and the link works once", async () => {
    const email = newAddress();
    const created = await supabaseClient("service").auth.admin.createUser({
      email,
      password: "the old password",
      email_confirm: true,
    });
    expect(created.error).toBeNull();
    expect((await supabaseClient("anon").auth.resetPasswordForEmail(newAddress())).error).toBeNull();
    expect((await supabaseClient("anon").auth.resetPasswordForEmail(email)).error).toBeNull();

    const sent = await nthEmailTo(mailUrl, email);
    expect(sent.subject).toBe(readAuthEmailSettings("supabase/config.toml").templates.recovery.subject);
    const tokenHash = linkIn(sent, "/auth/confirm").searchParams.get("token_hash") ?? "";
    const client = supabaseClient("anon");
    expect((await client.auth.verifyOtp({ type: "recovery", token_hash: tokenHash })).error).toBeNull();
    expect((await client.auth.updateUser({ password: "the new password" })).error).toBeNull();
    expect((await supabaseClient("anon").auth.signInWithPassword({ email, password: "the old password" })).error).not.toBeNull();
    expect((await supabaseClient("anon").auth.signInWithPassword({ email, password: "the new password" })).error).toBeNull();
    expect((await supabaseClient("anon").auth.verifyOtp({ type: "recovery", token_hash: tokenHash })).error?.code).toBe(
      "otp_expired",
    );
  });
});
