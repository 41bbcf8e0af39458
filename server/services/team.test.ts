import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import {
  callerFor,
  createConversation,
  createUser,
  memberOfNewWorkspace,
  signIn,
  supabaseClient,
  superuserSql,
} from "../../dev/test/fixtures";
import { linkIn, nthEmailTo } from "../../dev/test/mailbox";

const { mailUrl } = inject("stack");
const newAddress = () => `front-desk-${randomUUID().slice(0, 8)}@frontdesk.test`;

async function adminOfNewGym() {
  const admin = await memberOfNewWorkspace("admin");
  return { ...admin, caller: await callerFor(admin.session.access_token) };
}

/** The invitee follows the email's link (as /auth/confirm does) and sets a password. */
async function acceptInvitation(email: string) {
  const link = linkIn(await nthEmailTo(mailUrl, email), "/auth/confirm");
  expect(link.searchParams.get("type")).toBe("invite");
  const client = supabaseClient("anon");
  const verified = await client.auth.verifyOtp({ type: "invite", token_hash: link.searchParams.get("token_hash") ?? "" });
  if (!verified.data.session) throw new Error(verified.error?.message ?? "no session");
  expect((await client.auth.updateUser({ password: "a front desk password" })).error).toBeNull();
  return verified.data.session.access_token;
}

describe("the team", () => {
  it("an admin invites by email; the invitee follows the link, sets a password, and is on the team with that role", async () => {
    const gym = await adminOfNewGym();
    const email = newAddress();
    const invited = await gym.caller.team.invite({ workspaceId: gym.workspaceId, email: email.toUpperCase(), role: "manager" });
    expect(invited).toMatchObject({ success: true, data: { hasAccount: false } });
    const roster = await gym.caller.team.roster({ workspaceId: gym.workspaceId });
    expect(roster).toMatchObject({ success: true, data: { canManage: true, invites: [{ email, role: "manager" }] } });

    const token = await acceptInvitation(email);
    const me = await (await callerFor(token)).me();
    expect(me).toMatchObject({ success: true, data: { workspaces: [{ id: gym.workspaceId, role: "manager" }] } });
    const after = await gym.caller.team.roster({ workspaceId: gym.workspaceId });
    expect(after.success && after.data.invites).toEqual([]);
    expect(after.success && after.data.members.map((m) => [m.email, m.role]).sort()).toEqual(
      [
        [gym.user.email, "admin"],
        [email, "manager"],
      ].sort(),
    );
    const audit = await superuserSql()<{ action: string }[]>`
      select action from public.audit_logs where workspace_id = ${gym.workspaceId} order by created_at`;
    expect(audit.map((row) => row.action)).toEqual(["team.invited", "team.joined"]);
  });

  it("refuses a bad address or someone already on the team; managers and agents may not invite", async () => {
    const gym = await adminOfNewGym();
    const member = await createUser("agent");
    await superuserSql()`insert into public.memberships (workspace_id, user_id, role) values (${gym.workspaceId}, ${member.id}, 'agent')`;
    expect(await gym.caller.team.invite({ workspaceId: gym.workspaceId, email: "not an email", role: "agent" })).toMatchObject({
      success: false,
      error: { code: "VALIDATION", details: { fieldErrors: { email: ["Enter a valid email address."] } } },
    });
    expect(await gym.caller.team.invite({ workspaceId: gym.workspaceId, email: member.email, role: "agent" })).toMatchObject({
      success: false,
      error: { code: "VALIDATION", details: { fieldErrors: { email: ["This person is already on the team."] } } },
    });
    const agent = await callerFor((await signIn(member)).access_token);
    expect(await agent.team.invite({ workspaceId: gym.workspaceId, email: newAddress(), role: "admin" })).toMatchObject({
      success: false,
      error: { code: "FORBIDDEN" },
    });
    expect(await agent.team.roster({ workspaceId: gym.workspaceId })).toMatchObject({
      success: true,
      data: { canManage: false },
    });
    const [invites] = await superuserSql()<{ n: number }[]>`
      select count(*)::int as n from public.workspace_invites where workspace_id = ${gym.workspaceId}`;
    expect(invites?.n).toBe(0);
  });

  it("someone with an account gets no email and joins on their next visit; a revoked invitation joins no one", async () => {
    const gym = await adminOfNewGym();
    const existing = await createUser("agent");
    expect(await gym.caller.team.invite({ workspaceId: gym.workspaceId, email: existing.email, role: "agent" })).toMatchObject({
      success: true,
      data: { hasAccount: true },
    });
    const revokedAddress = await createUser("agent");
    const revoked = await gym.caller.team.invite({ workspaceId: gym.workspaceId, email: revokedAddress.email, role: "agent" });
    expect(await gym.caller.team.revokeInvite({ inviteId: revoked.success ? revoked.data.inviteId : "" })).toMatchObject({
      success: true,
    });

    const joined = await (await callerFor((await signIn(existing)).access_token)).me();
    expect(joined).toMatchObject({ success: true, data: { workspaces: [{ id: gym.workspaceId, role: "agent" }] } });
    const notJoined = await (await callerFor((await signIn(revokedAddress)).access_token)).me();
    expect(notJoined).toMatchObject({ success: true, data: { workspaces: [] } });
  });

  it("roles change and members go, but never the last admin; a removed member's conversations are unassigned and their next request finds nothing", async () => {
    const gym = await adminOfNewGym();
    const agent = await createUser("agent");
    await superuserSql()`insert into public.memberships (workspace_id, user_id, role) values (${gym.workspaceId}, ${agent.id}, 'agent')`;
    const { conversationId } = await createConversation(gym.workspaceId, { assigneeId: agent.id });
    const agentCaller = await callerFor((await signIn(agent)).access_token);
    expect(await agentCaller.conversations.get({ conversationId })).toMatchObject({ success: true });

    expect(
      await gym.caller.team.changeRole({ workspaceId: gym.workspaceId, userId: gym.user.id, role: "manager" }),
    ).toMatchObject({
      success: false,
      error: { code: "CONFLICT", message: expect.stringContaining("at least one admin") },
    });
    expect(await gym.caller.team.remove({ workspaceId: gym.workspaceId, userId: gym.user.id })).toMatchObject({
      success: false,
      error: { code: "CONFLICT" },
    });
    expect(await agentCaller.team.remove({ workspaceId: gym.workspaceId, userId: gym.user.id })).toMatchObject({
      success: false,
      error: { code: "FORBIDDEN" },
    });
    expect(await gym.caller.team.changeRole({ workspaceId: gym.workspaceId, userId: agent.id, role: "manager" })).toMatchObject({
      success: true,
      data: { changed: true },
    });

    expect(await gym.caller.team.remove({ workspaceId: gym.workspaceId, userId: agent.id })).toMatchObject({
      success: true,
      data: { changed: true },
    });
    // The same token as before: refused from the very next request.
    expect(await agentCaller.conversations.get({ conversationId })).toMatchObject({
      success: false,
      error: { code: "NOT_FOUND" },
    });
    const [conversation] = await superuserSql()`select assignee_id from public.conversations where id = ${conversationId}`;
    expect(conversation?.assignee_id).toBeNull();
    const [removal] = await superuserSql()<{ metadata: Record<string, unknown> }[]>`
      select metadata from public.audit_logs where workspace_id = ${gym.workspaceId} and action = 'team.removed'`;
    expect(removal?.metadata).toMatchObject({ role: "manager", unassignedConversations: 1 });
  });
});
