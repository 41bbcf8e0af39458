import { describe, expect, inject, it } from "vitest";
import { runAsDeployed, superuserSql } from "../../dev/test/fixtures";

const { env, superuserUrl } = inject("stack");

/** `npm run doctor` with the test stack's settings, as `npm start` leaves them for it, changed by `change`. */
async function doctor(change: Record<string, string> = {}, options: { localStack?: boolean } = {}) {
  const settings = {
    NODE_ENV: "development" as const,
    ...(options.localStack === false ? {} : { FRONTDESK_LOCAL_STACK: "1" }),
    ...change,
  };
  const run = runAsDeployed("server/commands/doctor.ts", settings);
  const code = await run.exited;
  return { code, failures: run.out.filter((line) => line.startsWith("✗")), out: run.out.join("\n") };
}

const withPassword = (url: string, password: string) => {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
};

describe("npm run doctor", () => {
  it("passes against the local stack, every check", async () => {
    const { code, failures, out } = await doctor();
    expect(failures, out).toEqual([]);
    expect(out).toMatch(/doctor: all \d+ checks pass/);
    expect(out).toMatch(
      /✓ a signed-in member gets live updates, and only their own: token verified; a test broadcast arrived in \d+ ms; another gym's topic refused/,
    );
    expect(code).toBe(0);
    // Its own account and gym are gone again.
    const [left] = await superuserSql()<{ users: number; gyms: number }[]>`
      select (select count(*)::int from auth.users where email like 'doctor-%@frontdesk-doctor.invalid') as users,
             (select count(*)::int from public.workspaces where name = 'Frontdesk doctor') as gyms`;
    expect(left).toEqual({ users: 0, gyms: 0 });
  });

  it.concurrent.each([
    [
      "DATABASE_URL's password is wrong",
      { DATABASE_URL: withPassword(env.DATABASE_URL ?? "", "wrong") },
      "✗ DATABASE_URL connects: DATABASE_URL does not connect (",
    ],
    [
      "DATABASE_API_URL is the superuser",
      { DATABASE_API_URL: superuserUrl },
      "✗ DATABASE_API_URL's role becomes only authenticated: postgres superuser",
    ],
    [
      "INGEST_DATABASE_URL's password is wrong",
      { INGEST_DATABASE_URL: withPassword(env.DATABASE_URL ?? "", "wrong") },
      "✗ INGEST_DATABASE_URL connects",
    ],
    [
      "SUPABASE_ANON_KEY is another project's",
      { SUPABASE_ANON_KEY: "eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl" },
      "✗ Supabase Auth answers with SUPABASE_ANON_KEY: Auth refuses SUPABASE_ANON_KEY",
    ],
    [
      "SUPABASE_URL points nowhere",
      { SUPABASE_URL: "http://127.0.0.1:9" },
      "✗ Supabase Auth answers with SUPABASE_ANON_KEY: http://127.0.0.1:9 does not answer",
    ],
    [
      "the app is invite-only while Auth takes sign-ups",
      { SIGNUP: "invite-only" },
      "✗ sign-up settings agree: SIGNUP=invite-only, but Auth takes sign-ups",
    ],
    [
      "META_VERIFY_TOKEN differs from the function's",
      { META_VERIFY_TOKEN: "not-the-functions-token" },
      "✗ the edge function answers Meta's handshake: the function refuses META_VERIFY_TOKEN",
    ],
    [
      "the worker's connection goes through a transaction pooler",
      { WORKER_DATABASE_URL: `${(env.WORKER_DATABASE_URL ?? env.DATABASE_URL ?? "").split("?")[0]}?pgbouncer=true` },
      "✗ the worker has a session connection: WORKER_DATABASE_URL goes through a transaction pooler",
    ],
    [
      "SUPABASE_SERVICE_ROLE_KEY is missing",
      { SUPABASE_SERVICE_ROLE_KEY: "" },
      "✗ a signed-in member gets live updates, and only their own: SUPABASE_SERVICE_ROLE_KEY is not set",
    ],
  ])("fails with a clear line when %s", async (_case, change, line) => {
    const { code, failures, out } = await doctor(change);
    expect(
      failures.some((failure) => failure.startsWith(line)),
      out,
    ).toBe(true);
    expect(code).toBe(1);
  });

  it("names each local value when the settings are a deployment's", async () => {
    const { code, failures } = await doctor({}, { localStack: false });
    expect(failures).toEqual(
      expect.arrayContaining([
        "✗ settings: META_APP_ID has the local stack's value; set this deployment's own",
        expect.stringMatching(/^✗ settings: SUPABASE_URL points at this machine/),
      ]),
    );
    expect(code).toBe(1);
  });

  it("stops at settings that do not parse, naming them", async () => {
    const { code, out } = await doctor({ SIGNUP: "sometimes" });
    expect(out).toContain("✗ settings: SIGNUP:");
    expect(out).toContain("nothing else was tried");
    expect(code).toBe(1);
  });
});
