import { describe, expect, it } from "vitest";
import { callerFor, createConversation, createUser, memberOfNewWorkspace, signIn, superuserSql } from "../../dev/test/fixtures";

async function gymWithHistory() {
  const admin = await memberOfNewWorkspace("admin");
  const manager = await createUser("manager");
  await superuserSql()`insert into public.memberships (workspace_id, user_id, role) values (${admin.workspaceId}, ${manager.id}, 'manager')`;
  const caller = await callerFor(admin.session.access_token);
  const managerCaller = await callerFor((await signIn(manager)).access_token);
  const { conversationId } = await createConversation(admin.workspaceId);
  await managerCaller.conversations.assign({ conversationId, assigneeId: manager.id });
  await caller.conversations.setStatus({ conversationId, status: "resolved" });
  await caller.team.changeRole({ workspaceId: admin.workspaceId, userId: manager.id, role: "agent" });
  return { ...admin, manager, caller, managerCaller, conversationId };
}

describe("the audit log", () => {
  it("admins read who did what, newest first, filtered by person and action; a removed person is still named", async () => {
    const gym = await gymWithHistory();
    await gym.caller.team.remove({ workspaceId: gym.workspaceId, userId: gym.manager.id });
    const all = await gym.caller.audit.list({ workspaceId: gym.workspaceId });
    if (!all.success) throw new Error(all.error.message);
    expect(all.data.items.map((entry) => entry.action)).toEqual([
      "team.removed",
      "team.role_changed",
      "conversation.status_changed",
      "conversation.assigned",
    ]);
    expect(all.data.items[3]).toMatchObject({
      entity: "conversation",
      entityId: gym.conversationId,
      actor: { id: gym.manager.id, email: gym.manager.email },
      metadata: { to: gym.manager.id },
    });

    const byManager = await gym.caller.audit.list({ workspaceId: gym.workspaceId, actorId: gym.manager.id });
    expect(byManager.success && byManager.data.items.map((entry) => entry.action)).toEqual(["conversation.assigned"]);
    const roles = await gym.caller.audit.list({ workspaceId: gym.workspaceId, action: "team.role_changed" });
    expect(roles.success && roles.data.items).toMatchObject([{ metadata: { from: "manager", to: "agent" } }]);
    const future = await gym.caller.audit.list({ workspaceId: gym.workspaceId, from: new Date(Date.now() + 60_000) });
    expect(future.success && future.data.items).toEqual([]);
  });

  it("pages by keyset without gaps or repeats, even for rows of the same instant", async () => {
    const gym = await gymWithHistory();
    await superuserSql()`
      insert into public.audit_logs (workspace_id, actor_user_id, entity, entity_id, action, created_at)
      select ${gym.workspaceId}, ${gym.user.id}, 'conversation', ${gym.conversationId}, 'conversation.marked_read', '2026-01-01T00:00:00Z'
      from generate_series(1, 7)`;
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await gym.caller.audit.list({ workspaceId: gym.workspaceId, limit: 3, cursor });
      if (!page.success) throw new Error(page.error.message);
      seen.push(...page.data.items.map((entry) => entry.id));
      cursor = page.data.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(10);
    expect(new Set(seen).size).toBe(10);
    expect(await gym.caller.audit.list({ workspaceId: gym.workspaceId, cursor: "not-a-cursor" })).toMatchObject({
      success: false,
      error: { code: "VALIDATION" },
    });
  });

  it("managers and agents may not read it; another workspace's admin sees nothing of it", async () => {
    const gym = await gymWithHistory();
    expect(await gym.managerCaller.audit.list({ workspaceId: gym.workspaceId })).toMatchObject({
      success: false,
      error: { code: "FORBIDDEN" },
    });
    const stranger = await memberOfNewWorkspace("admin");
    expect(await (await callerFor(stranger.session.access_token)).audit.list({ workspaceId: gym.workspaceId })).toMatchObject({
      success: false,
      error: { code: "NOT_FOUND" },
    });
  });
});
