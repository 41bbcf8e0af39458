import { randomUUID } from "node:crypto";
import { expect, inject, it } from "vitest";
import { pipeLines, spawnTypeScript } from "../../dev/stack/child-processes";
import { ROOT } from "../../dev/stack/local-stack";
import { callerFor, createUser, supabaseClient, superuserSql } from "../../dev/test/fixtures";

const { env } = inject("stack");

/** Runs the command as an operator would, with only what it needs. */
async function createWorkspace(args: string[], extra: Record<string, string> = {}) {
  const child = spawnTypeScript(
    ROOT,
    "server/commands/create-workspace.ts",
    {
      env: {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "development",
        LOG_LEVEL: "warn",
        SUPABASE_URL: env.SUPABASE_URL ?? "",
        SUPABASE_ANON_KEY: env.SUPABASE_ANON_KEY ?? "",
        SUPABASE_SERVICE_ROLE_KEY: env.SUPABASE_SERVICE_ROLE_KEY ?? "",
        DATABASE_URL: env.DATABASE_URL ?? "",
        DATABASE_API_URL: env.DATABASE_API_URL ?? "",
        ...extra,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
    args,
  );
  const out: string[] = [];
  const err: string[] = [];
  pipeLines(child.stdout, (line) => out.push(line));
  pipeLines(child.stderr, (line) => err.push(line));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code, out: out.join("\n"), err: err.join("\n") };
}

it("creates a gym and its first admin, who signs in with the password shown once and lands in it", async () => {
  const email = `owner-${randomUUID().slice(0, 8)}@gym.test`;
  const run = await createWorkspace(["--name", "  Iron Temple North  ", "--admin", email.toUpperCase()]);
  expect(run.code).toBe(0);
  const password = run.out.match(/shown once\): (\S+)/)?.[1] ?? "";
  expect(password.length).toBeGreaterThanOrEqual(20);

  const session = await supabaseClient("anon").auth.signInWithPassword({ email, password });
  const me = await (await callerFor(session.data.session?.access_token ?? null)).me();
  if (!me.success) throw new Error(me.error.message);
  expect(me.data.workspaces).toEqual([expect.objectContaining({ name: "Iron Temple North", role: "admin" })]);
});

it("names what is wrong, and creates nothing, for a bad name or email or an email that has an account", async () => {
  const bad = await createWorkspace(["--name", " ", "--admin", "not-an-email"]);
  expect(bad.code).toBe(1);
  expect(bad.err).toContain("name: Name the gym.");
  expect(bad.err).toContain("adminEmail: An email address");

  const existing = await createUser("admin");
  const name = `Second Gym ${randomUUID().slice(0, 8)}`;
  const taken = await createWorkspace(["--name", name, "--admin", existing.email]);
  expect(taken.code).toBe(1);
  expect(taken.err).toContain("adminEmail: Already has an account.");
  const [gyms] = await superuserSql()<{ n: number }[]>`select count(*)::int as n from public.workspaces where name = ${name}`;
  expect(gyms?.n).toBe(0);
});
