import { describe, expect, it } from "vitest";
import { createUser, createWorkspace, memberOfNewWorkspace } from "../../dev/test/fixtures";
import { type UserClaims, withUser } from "./client";

const claimsOf = (userId: string): UserClaims => ({ sub: userId, role: "authenticated" });

describe("withUser", () => {
  it("runs as authenticated with the user's claims", async () => {
    const { user } = await memberOfNewWorkspace();
    const [row] = await withUser(
      claimsOf(user.id),
      (tx) => tx<{ role: string; uid: string; superuser: string }[]>`
      select current_user as role, auth.uid()::text as uid, current_setting('is_superuser') as superuser`,
    );
    expect(row).toEqual({ role: "authenticated", uid: user.id, superuser: "off" });
  });

  it.each([
    ["set role postgres", "permission denied to set role"],
    ["set role service_role", "permission denied to set role"],
    ["set local role postgres", "permission denied to set role"],
    ["select set_config('role', 'postgres', true)", "permission denied to set role"],
  ])("cannot escape RLS with `%s`", async (statement, message) => {
    const { user } = await memberOfNewWorkspace();
    await expect(withUser(claimsOf(user.id), (tx) => tx.unsafe(statement))).rejects.toThrow(message);
  });

  it("reset role lands on a login role that can read nothing", async () => {
    const { user } = await memberOfNewWorkspace();
    await expect(
      withUser(claimsOf(user.id), async (tx) => {
        await tx`reset role`;
        return tx`select id from public.workspaces`;
      }),
    ).rejects.toThrow("permission denied for table workspaces");
  });

  it("leaves no claims behind on the pooled connection", async () => {
    const { user } = await memberOfNewWorkspace();
    await withUser(claimsOf(user.id), (tx) => tx`select 1`);
    const other = await createUser();
    const [row] = await withUser(claimsOf(other.id), (tx) => tx<{ uid: string }[]>`select auth.uid()::text as uid`);
    expect(row?.uid).toBe(other.id);
  });
});

describe("tenant isolation of workspaces and memberships", () => {
  it("a member of B sees none of A's rows and can write none", async () => {
    const a = await memberOfNewWorkspace("admin");
    const b = await memberOfNewWorkspace("admin");
    const intruder = claimsOf(b.user.id);

    const visible = await withUser(intruder, async (tx) => ({
      workspaces: await tx`select id from public.workspaces where id = ${a.workspaceId}`,
      memberships: await tx`select user_id from public.memberships where workspace_id = ${a.workspaceId}`,
      all: await tx<{ id: string }[]>`select id from public.workspaces`,
    }));
    expect(visible.workspaces).toHaveLength(0);
    expect(visible.memberships).toHaveLength(0);
    expect(visible.all.map((w) => w.id)).toEqual([b.workspaceId]);

    await expect(
      withUser(
        intruder,
        (tx) => tx`insert into public.memberships (workspace_id, user_id, role) values (${a.workspaceId}, ${b.user.id}, 'admin')`,
      ),
    ).rejects.toThrow("permission denied");
    await expect(
      withUser(intruder, (tx) => tx`update public.workspaces set name = 'pwned' where id = ${a.workspaceId}`),
    ).rejects.toThrow("permission denied");
    await expect(
      withUser(intruder, (tx) => tx`delete from public.memberships where workspace_id = ${a.workspaceId}`),
    ).rejects.toThrow("permission denied");
  });

  it("members see their whole team but not other workspaces' members", async () => {
    const admin = await createUser("admin");
    const coach = await createUser("coach");
    const workspaceId = await createWorkspace("Team Gym", [
      { user: admin, role: "admin" },
      { user: coach, role: "agent" },
    ]);
    const elsewhere = await memberOfNewWorkspace();
    const team = await withUser(
      claimsOf(coach.id),
      (tx) => tx<{ user_id: string; workspace_id: string }[]>`
      select user_id, workspace_id from public.memberships order by role`,
    );
    expect(team.map((m) => m.user_id).sort()).toEqual([admin.id, coach.id].sort());
    expect(team.every((m) => m.workspace_id === workspaceId)).toBe(true);
    expect(team.map((m) => m.user_id)).not.toContain(elsewhere.user.id);
  });
});
