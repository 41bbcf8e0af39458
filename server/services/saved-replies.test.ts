import { createHash, randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { eventually } from "../../dev/test/eventually";
import { callerFor, createConversation, createUser, memberOfNewWorkspace, signIn, superuserSql } from "../../dev/test/fixtures";
import { TINY_PDF } from "../../dev/test/media-files";
import { withUser } from "../db/client";

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

  it("may use the workspace's custom fields as {{contact.<key>}}, and no other workspace's", async () => {
    const admin = await memberOfNewWorkspace("admin");
    const other = await memberOfNewWorkspace("admin");
    const caller = await callerFor(admin.session.access_token);
    await (await callerFor(other.session.access_token)).contactFields.save({
      workspaceId: other.workspaceId,
      key: "locker",
      label: "Locker",
      type: "text",
    });
    await caller.contactFields.save({ workspaceId: admin.workspaceId, key: "plan", label: "Plan", type: "text" });
    const body = "Your {{contact.plan}} plan renews soon.";
    expect(await caller.savedReplies.save({ workspaceId: admin.workspaceId, shortcut: "renewal", body })).toMatchObject({
      success: true,
    });
    expect(
      await caller.savedReplies.save({ workspaceId: admin.workspaceId, shortcut: "locker", body: "Locker {{contact.locker}}" }),
    ).toMatchObject({
      error: {
        details: { fieldErrors: { body: [expect.stringMatching(/^Unknown \{\{contact.locker\}\}.*\{\{contact.plan\}\}/)] } },
      },
    });
  });
});

describe("a saved reply's file", () => {
  const { metaUrl, supabaseUrl, env } = inject("stack");
  const upload = async (token: string, path: string, bytes: Buffer, mimeType: string) =>
    fetch(`${supabaseUrl}/storage/v1/object/attachments/${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, apikey: env.SUPABASE_ANON_KEY ?? "", "content-type": mimeType },
      body: new Uint8Array(bytes),
    });

  it("is uploaded by managers only, saved with the reply, and sent from any conversation as the same bytes", async () => {
    const manager = await memberOfNewWorkspace("manager");
    const agent = await createUser("agent");
    await superuserSql()`insert into public.memberships (workspace_id, user_id, role) values (${manager.workspaceId}, ${agent.id}, 'agent')`;
    const agentSession = await signIn(agent);
    const path = `${manager.workspaceId}/saved-replies/${randomUUID()}-timetable.pdf`;
    expect(
      (
        await upload(
          agentSession.access_token,
          `${manager.workspaceId}/saved-replies/${randomUUID()}-x.pdf`,
          TINY_PDF,
          "application/pdf",
        )
      ).status,
    ).toBe(403);
    expect((await upload(manager.session.access_token, path, TINY_PDF, "application/pdf")).status).toBe(200);

    const caller = await callerFor(manager.session.access_token);
    const elsewhere = `${manager.workspaceId}/outbound/${randomUUID()}/${randomUUID()}-a.pdf`;
    expect(
      await caller.savedReplies.save({
        workspaceId: manager.workspaceId,
        shortcut: "timetable",
        body: "Our timetable",
        attachmentPath: elsewhere,
      }),
    ).toMatchObject({
      success: false,
      error: { code: "VALIDATION", details: { fieldErrors: { attachment: [expect.any(String)] } } },
    });
    expect(
      await caller.savedReplies.save({
        workspaceId: manager.workspaceId,
        shortcut: "timetable",
        body: "Our timetable",
        attachmentPath: path,
      }),
    ).toMatchObject({ success: true });
    const agentCaller = await callerFor(agentSession.access_token);
    const listed = await agentCaller.savedReplies.list({ workspaceId: manager.workspaceId });
    expect(listed).toMatchObject({
      success: true,
      data: {
        replies: [
          { attachment: { storedPath: path, name: "timetable.pdf", mimeType: "application/pdf", size: TINY_PDF.length } },
        ],
      },
    });

    const conversation = await createConversation(manager.workspaceId, { provider: "whatsapp" });
    const sent = await agentCaller.messages.send({
      conversationId: conversation.conversationId,
      clientMessageId: randomUUID(),
      file: { storedPath: path, caption: "Our timetable" },
    });
    expect(sent.success).toBe(true);
    const id = sent.success ? sent.data.id : "";
    const status = await eventually(
      async () => (await superuserSql()<{ status: string }[]>`select status from public.messages where id = ${id}`)[0]?.status,
      (value) => value === "sent" || value === "failed",
    );
    expect(status).toBe("sent");
    const received = (await (await fetch(`${metaUrl}/__received-media`)).json()) as { sha256: string; caption: string | null }[];
    const sha = createHash("sha256").update(TINY_PDF).digest("hex");
    expect(received.find((file) => file.sha256 === sha && file.caption === "Our timetable")).toBeDefined();

    // A file in the saved-replies folder that is no saved reply's is not sent, even by SQL around the API.
    const stray = `${manager.workspaceId}/saved-replies/${randomUUID()}-stray.pdf`;
    expect((await upload(manager.session.access_token, stray, TINY_PDF, "application/pdf")).status).toBe(200);
    await expect(
      withUser(
        { sub: agent.id, role: "authenticated" },
        (tx) => tx`select * from app.queue_outgoing_message(${conversation.conversationId}, ${randomUUID()}, null,
                     ${tx.json([{ storedPath: stray }])}, 'x')`,
      ),
    ).rejects.toThrow(/outbound folder/);
  });
});
