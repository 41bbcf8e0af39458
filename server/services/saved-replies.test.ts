import { describe, expect, it } from "vitest";
import { callerFor, createUser, memberOfNewWorkspace, signIn, superuserSql } from "../../dev/test/fixtures";

describe("saved replies", () => {
  it("managers create and edit them, everyone on the team reads them, agents may not change them", async () => {
    const manager = await memberOfNewWorkspace("manager");
    const agent = await createUser("agent");
    await superuserSql()`insert into public.memberships (workspace_id, user_id, role) values (${manager.workspaceId}, ${agent.id}, 'agent')`;
    const caller = await callerFor(manager.session.access_token);
    const agentCaller = await callerFor((await signIn(agent)).access_token);
    const saved = await caller.savedReplies.save({
      workspaceId: manager.workspaceId,
      shortcut: " Hours ",
      body: "Hi {{contact.first_name}}, we open at 6.",
    });
    expect(saved.success).toBe(true);
    const seen = await agentCaller.savedReplies.list({ workspaceId: manager.workspaceId });
    expect(seen).toMatchObject({ success: true, data: { canEdit: false, replies: [{ shortcut: "hours" }] } });
    expect(await agentCaller.savedReplies.save({ workspaceId: manager.workspaceId, shortcut: "mine", body: "x" })).toMatchObject({
      success: false,
      error: { code: "FORBIDDEN" },
    });
    const id = saved.success ? saved.data.id : "";
    expect(await agentCaller.savedReplies.delete({ id })).toMatchObject({ success: false, error: { code: "FORBIDDEN" } });
    expect(
      await caller.savedReplies.save({ workspaceId: manager.workspaceId, id, shortcut: "hours", body: "We open at 5." }),
    ).toMatchObject({ success: true });
    expect(await caller.savedReplies.delete({ id })).toMatchObject({ success: true });
    const audit = await superuserSql()<{ action: string }[]>`
      select action from public.audit_logs where workspace_id = ${manager.workspaceId} order by id`;
    expect(audit.map((row) => row.action)).toEqual(["saved_reply.created", "saved_reply.edited", "saved_reply.deleted"]);
  });

  it("refuses a shortcut in use, a bad shortcut and a variable it does not know, with the field", async () => {
    const admin = await memberOfNewWorkspace("admin");
    const caller = await callerFor(admin.session.access_token);
    await caller.savedReplies.save({ workspaceId: admin.workspaceId, shortcut: "freeze", body: "Freezes cost 10." });
    expect(await caller.savedReplies.save({ workspaceId: admin.workspaceId, shortcut: "freeze", body: "Again" })).toMatchObject({
      success: false,
      error: { code: "VALIDATION", details: { fieldErrors: { shortcut: ["Another saved reply already uses /freeze."] } } },
    });
    expect(await caller.savedReplies.save({ workspaceId: admin.workspaceId, shortcut: "two words", body: "x" })).toMatchObject({
      success: false,
      error: { code: "VALIDATION", details: { fieldErrors: { shortcut: [expect.any(String)] } } },
    });
    expect(
      await caller.savedReplies.save({ workspaceId: admin.workspaceId, shortcut: "hello", body: "Hi {{member.nickname}}" }),
    ).toMatchObject({
      success: false,
      error: { code: "VALIDATION", details: { fieldErrors: { body: [expect.stringContaining("{{member.nickname}}")] } } },
    });
  });
});
