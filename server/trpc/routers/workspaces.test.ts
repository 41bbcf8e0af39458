import { describe, expect, it } from "vitest";
import { callerFor, createUser, memberOfNewWorkspace, signIn, superuserSql } from "../../../dev/test/fixtures";

describe("workspaces.create: a person who signed up founds their gym", () => {
  it("makes the gym with them as its admin, audited as theirs", async () => {
    const owner = await createUser("owner");
    const caller = await callerFor((await signIn(owner)).access_token);

    const created = await caller.workspaces.create({ name: "  Harbour Strength  " });
    if (!created.success) throw new Error(created.error.message);

    const me = await caller.me();
    expect(me).toMatchObject({
      success: true,
      data: { workspaces: [{ id: created.data.workspaceId, name: "Harbour Strength", role: "admin" }] },
    });
    const audit = await superuserSql()<{ actor: string | null; action: string }[]>`
      select actor_user_id as actor, action from public.audit_logs where workspace_id = ${created.data.workspaceId}`;
    expect(audit).toEqual([{ actor: owner.id, action: "workspace.created" }]);
  });

  it("founds one gym when the form is sent twice at once, and refuses a second one later", async () => {
    const owner = await createUser("owner");
    const caller = await callerFor((await signIn(owner)).access_token);

    const both = await Promise.all([caller.workspaces.create({ name: "Twice" }), caller.workspaces.create({ name: "Twice" })]);
    expect(both.map((r) => (r.success ? "created" : r.error.code)).sort()).toEqual(["CONFLICT", "created"]);
    const later = await caller.workspaces.create({ name: "Another" });
    expect(later).toMatchObject({ success: false, error: { code: "CONFLICT" } });

    const [count] = await superuserSql()<{ n: number }[]>`
      select count(*)::int as n from public.memberships where user_id = ${owner.id}`;
    expect(count?.n).toBe(1);
  });

  it("refuses someone already on a team", async () => {
    const { session } = await memberOfNewWorkspace("agent");
    const result = await (await callerFor(session.access_token)).workspaces.create({ name: "Side gym" });
    expect(result).toMatchObject({ success: false, error: { code: "CONFLICT" } });
  });

  it.each([
    ["empty", ""],
    ["only spaces", "   "],
    ["too long", "x".repeat(101)],
  ])("answers a name that is %s with VALIDATION on the name, founding nothing", async (_case, name) => {
    const owner = await createUser("owner");
    const caller = await callerFor((await signIn(owner)).access_token);
    const result = await caller.workspaces.create({ name });
    expect(result).toMatchObject({
      success: false,
      error: { code: "VALIDATION", details: { fieldErrors: { name: [expect.any(String)] } } },
    });
    const [count] = await superuserSql()<{ n: number }[]>`
      select count(*)::int as n from public.memberships where user_id = ${owner.id}`;
    expect(count?.n).toBe(0);
  });

  it("is UNAUTHORIZED without a session", async () => {
    const result = await (await callerFor(null)).workspaces.create({ name: "Nobody's gym" });
    expect(result).toMatchObject({ success: false, error: { code: "UNAUTHORIZED" } });
  });
});
