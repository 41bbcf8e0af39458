import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { callerFor, createUser, runAsDeployed, supabaseClient, superuserSql } from "../../dev/test/fixtures";

/** Runs the command as an operator would, with only what a deployment sets. */
async function createWorkspace(args: string[]) {
  const run = runAsDeployed("server/commands/create-workspace.ts", { NODE_ENV: "development", LOG_LEVEL: "warn" }, args);
  const code = await run.exited;
  return { code, out: run.out.join("\n"), err: run.err.join("\n") };
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
