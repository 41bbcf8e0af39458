import { describe, expect, it } from "vitest";
import { callerFor, createConversation, memberOfNewWorkspace, superuserSql } from "../../../dev/test/fixtures";

describe("contacts", () => {
  it("get shows the contact with each channel identity", async () => {
    const { workspaceId, session } = await memberOfNewWorkspace();
    const { contactId, channelAccountId } = await createConversation(workspaceId, { contactName: "Dana", handle: "dana.lifts" });
    const result = await (await callerFor(session.access_token)).contacts.get({ contactId });
    expect(result).toMatchObject({
      success: true,
      data: {
        displayName: "Dana",
        notes: "",
        tags: [],
        identities: [{ handle: "dana.lifts", channel: { id: channelAccountId } }],
      },
    });
  });

  it("update saves name, notes and de-duplicated tags, auditing field names but not values", async () => {
    const { workspaceId, session } = await memberOfNewWorkspace("agent");
    const { contactId } = await createConversation(workspaceId);
    const caller = await callerFor(session.access_token);
    const result = await caller.contacts.update({
      contactId,
      displayName: "  Dana Reyes ",
      notes: "Knee injury — no box jumps",
      tags: ["VIP", "vip", " Morning "],
    });
    expect(result).toMatchObject({
      success: true,
      data: { displayName: "Dana Reyes", notes: "Knee injury — no box jumps", tags: ["VIP", "Morning"] },
    });
    const [audit] = await superuserSql()`select action, metadata from public.audit_logs where entity_id = ${contactId}`;
    expect(audit).toEqual({ action: "contact.updated", metadata: { fields: ["display_name", "notes", "tags"] } });
  });

  it("update refuses empty changes and oversized input", async () => {
    const { workspaceId, session } = await memberOfNewWorkspace();
    const { contactId } = await createConversation(workspaceId);
    const caller = await callerFor(session.access_token);
    for (const input of [{ contactId }, { contactId, notes: "x".repeat(10_001) }, { contactId, tags: [""] }]) {
      expect(await caller.contacts.update(input)).toMatchObject({ success: false, error: { code: "VALIDATION" } });
    }
  });

  it("names the field and the limit that bad input broke", async () => {
    const { workspaceId, session } = await memberOfNewWorkspace();
    const { contactId } = await createConversation(workspaceId);
    const caller = await callerFor(session.access_token);
    expect(await caller.contacts.update({ contactId, tags: ["ok", "x".repeat(41)] })).toMatchObject({
      success: false,
      error: {
        code: "VALIDATION",
        message: expect.stringMatching(/^A tag can be at most 40 characters/),
        details: { fieldErrors: { "tags.1": [expect.stringMatching(/at most 40 characters/)] } },
      },
    });
    expect(await caller.contacts.update({ contactId, tags: Array.from({ length: 51 }, (_, i) => `t${i}`) })).toMatchObject({
      error: {
        message: "A contact can have at most 50 tags.",
        details: { fieldErrors: { tags: ["A contact can have at most 50 tags."] } },
      },
    });
    expect(await caller.contacts.update({ contactId, notes: "x".repeat(10_001) })).toMatchObject({
      error: { details: { fieldErrors: { notes: ["Notes can be at most 10,000 characters."] } } },
    });
  });
});

describe("channels.list and team.list", () => {
  it("list the workspace's channels without tokens and its team with names", async () => {
    const { workspaceId, session, user } = await memberOfNewWorkspace();
    await createConversation(workspaceId, { provider: "instagram" });
    const caller = await callerFor(session.access_token);
    const channels = await caller.channels.list({ workspaceId });
    expect(channels).toMatchObject({ success: true, data: [{ provider: "instagram", status: "active" }] });
    expect(JSON.stringify(channels)).not.toMatch(/ciphertext|token/i);
    expect(await caller.team.list({ workspaceId })).toEqual({
      success: true,
      data: [{ userId: user.id, email: user.email, name: null, role: "admin" }],
    });
  });
});
