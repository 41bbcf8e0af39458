import { describe, expect, it } from "vitest";
import {
  callerFor,
  createConversation,
  createUser,
  memberOfNewWorkspace,
  signIn,
  superuserSql,
} from "../../../dev/test/fixtures";

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
        stage: null,
        customFields: {},
        identities: [{ handle: "dana.lifts", channel: { id: channelAccountId } }],
      },
    });
  });

  it("update saves name, notes, an E.164 phone and an email, auditing field names but not values", async () => {
    const { workspaceId, session } = await memberOfNewWorkspace("agent");
    const { contactId } = await createConversation(workspaceId);
    const caller = await callerFor(session.access_token);
    const result = await caller.contacts.update({
      contactId,
      displayName: "  Dana Reyes ",
      notes: "Knee injury — no box jumps",
      phone: "+44 7700 900123",
      email: " Dana@Example.test ",
    });
    expect(result).toMatchObject({
      success: true,
      data: {
        displayName: "Dana Reyes",
        notes: "Knee injury — no box jumps",
        phone: "+447700900123",
        email: "dana@example.test",
      },
    });
    const [audit] = await superuserSql()`select action, metadata from public.audit_logs where entity_id = ${contactId}`;
    expect(audit).toEqual({ action: "contact.updated", metadata: { fields: ["display_name", "email", "notes", "phone"] } });
  });

  it("names the field and the limit that bad input broke", async () => {
    const { workspaceId, session } = await memberOfNewWorkspace();
    const { contactId } = await createConversation(workspaceId);
    const caller = await callerFor(session.access_token);
    expect(await caller.contacts.update({ contactId })).toMatchObject({ success: false, error: { code: "VALIDATION" } });
    expect(await caller.contacts.update({ contactId, phone: "07700 900123" })).toMatchObject({
      error: { code: "VALIDATION", details: { fieldErrors: { phone: [expect.stringMatching(/country code/)] } } },
    });
    expect(await caller.contacts.update({ contactId, email: "not an email" })).toMatchObject({
      error: { code: "VALIDATION", details: { fieldErrors: { email: ["This is not an email address."] } } },
    });
    expect(await caller.contacts.update({ contactId, notes: "x".repeat(10_001) })).toMatchObject({
      error: { details: { fieldErrors: { notes: ["Notes can be at most 10,000 characters."] } } },
    });
  });
});

describe("tags, stages and fields", () => {
  it("an agent applies existing tags but cannot invent one; a manager creates one by applying it", async () => {
    const manager = await memberOfNewWorkspace("manager");
    const { contactId } = await createConversation(manager.workspaceId);
    const agent = await createUser("agent");
    await superuserSql()`insert into public.memberships (workspace_id, user_id, role) values (${manager.workspaceId}, ${agent.id}, 'agent')`;
    const asAgent = await callerFor((await signIn(agent)).access_token);
    const asManager = await callerFor(manager.session.access_token);
    const ws = manager.workspaceId;
    expect(await asAgent.contacts.tag({ workspaceId: ws, contactIds: [contactId], name: "vip" })).toMatchObject({
      success: false,
      error: { code: "FORBIDDEN", details: { fieldErrors: { name: [expect.stringMatching(/no tag “vip”/)] } } },
    });
    expect(await asManager.contacts.tag({ workspaceId: ws, contactIds: [contactId], name: "VIP" })).toMatchObject({
      success: true,
      data: { tagged: 1 },
    });
    // Case-insensitive: the same tag, not a second one, and applying it twice tags nobody twice.
    expect(await asAgent.contacts.tag({ workspaceId: ws, contactIds: [contactId], name: "vip" })).toMatchObject({
      success: true,
      data: { tagged: 0 },
    });
    expect(await asManager.tags.save({ workspaceId: ws, name: "vip" })).toMatchObject({ error: { code: "VALIDATION" } });
    expect(await asAgent.tags.save({ workspaceId: ws, name: "Morning" })).toMatchObject({ error: { code: "FORBIDDEN" } });
    expect(await asAgent.tags.list({ workspaceId: ws })).toMatchObject({
      success: true,
      data: { tags: [{ name: "VIP", colour: "slate", contacts: 1 }], canEdit: false },
    });
  });

  it("every gym starts with the four stages; moving a contact is time-stamped on its timeline", async () => {
    const { workspaceId, session } = await memberOfNewWorkspace("agent");
    const { contactId } = await createConversation(workspaceId);
    const caller = await callerFor(session.access_token);
    const stages = await caller.stages.list({ workspaceId });
    expect(stages.success && stages.data.stages.map((stage) => stage.name)).toEqual(["Enquiry", "Trial", "Member", "Lapsed"]);
    const trial = stages.success ? (stages.data.stages[1]?.id ?? null) : null;
    expect(await caller.contacts.setStage({ workspaceId, contactIds: [contactId], stageId: trial })).toEqual({
      success: true,
      data: { moved: 1 },
    });
    expect(await caller.contacts.setStage({ workspaceId, contactIds: [contactId], stageId: trial })).toEqual({
      success: true,
      data: { moved: 0 },
    });
    const timeline = await caller.contacts.timeline({ contactId });
    expect(timeline).toMatchObject({
      success: true,
      data: {
        timeline: expect.arrayContaining([expect.objectContaining({ kind: "stage_changed", summary: "No stage → Trial" })]),
      },
    });
    expect(await caller.stages.save({ workspaceId, name: "Frozen" })).toMatchObject({ error: { code: "FORBIDDEN" } });
  });

  it("field values are checked by type, with the field named", async () => {
    const { workspaceId, session } = await memberOfNewWorkspace("manager");
    const { contactId } = await createConversation(workspaceId);
    const caller = await callerFor(session.access_token);
    const save = (key: string, label: string, type: "number" | "date" | "select" | "checkbox", options: string[] = []) =>
      caller.contactFields.save({ workspaceId, key, label, type, options }).then((r) => (r.success ? r.data.id : ""));
    const visits = await save("visits", "Visits", "number");
    const renewal = await save("renewal_date", "Renewal date", "date");
    const plan = await save("plan", "Plan", "select", ["Gold", "Silver"]);
    const paid = await save("paid", "Paid", "checkbox");
    expect(
      await caller.contacts.setFields({ contactId, values: { [visits]: "many", [renewal]: "2027-02-30", [plan]: "Bronze" } }),
    ).toMatchObject({
      success: false,
      error: {
        code: "VALIDATION",
        details: {
          fieldErrors: {
            [visits]: ["Visits takes a number."],
            [renewal]: ["Renewal date takes a date (YYYY-MM-DD)."],
            [plan]: ["Plan takes one of: Gold, Silver."],
          },
        },
      },
    });
    expect(
      await caller.contacts.setFields({
        contactId,
        values: { [visits]: 12, [renewal]: "2027-02-28", [plan]: "Gold", [paid]: true },
      }),
    ).toMatchObject({
      success: true,
      data: { customFields: { [visits]: 12, [renewal]: "2027-02-28", [plan]: "Gold", [paid]: true } },
    });
    expect(await caller.contacts.setFields({ contactId, values: { [visits]: null } })).toMatchObject({
      success: true,
      data: { customFields: { [renewal]: "2027-02-28", [plan]: "Gold", [paid]: true } },
    });
    expect(await caller.contactFields.save({ workspaceId, id: plan, key: "plan", label: "Plan", type: "text" })).toMatchObject({
      error: { code: "VALIDATION", details: { fieldErrors: { type: [expect.stringMatching(/cannot change/)] } } },
    });
  });
});

describe("contacts.list", () => {
  it("finds a rare contact among many, and pages a broad term without repeats", async () => {
    // More contacts than a search walks in order (2,000): a term with few matches beyond them is looked up instead.
    const { workspaceId, session } = await memberOfNewWorkspace("agent");
    const caller = await callerFor(session.access_token);
    await superuserSql()`
      insert into public.contacts (workspace_id, display_name, last_message_at)
      select ${workspaceId}, 'Member ' || g, now() - g * interval '1 minute' from generate_series(1, 2400) g`;
    await superuserSql()`
      insert into public.contacts (workspace_id, display_name, last_message_at) values (${workspaceId}, 'Zed Rare', now() - interval '30 days')`;
    const rare = await caller.contacts.list({ workspaceId, search: "zed ra" });
    expect(rare.success && rare.data.items.map((item) => item.displayName)).toEqual(["Zed Rare"]);
    const few = await caller.contacts.list({ workspaceId, search: "member 24" });
    expect(few.success && few.data.items.map((item) => item.displayName)).toEqual([
      "Member 24",
      ...Array.from({ length: 10 }, (_, i) => `Member 24${i}`),
      "Member 2400",
    ]);
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (let page = 0; page < 3; page++) {
      const result = await caller.contacts.list({ workspaceId, search: "member 1", limit: 100, cursor });
      if (!result.success) throw new Error(result.error.message);
      for (const item of result.data.items) seen.add(item.displayName ?? "");
      cursor = result.data.nextCursor ?? undefined;
    }
    // "Member 1", "Member 10"…: the newest 300 of the 1,111 that match, in order, none twice.
    expect(seen.size).toBe(300);
    expect([...seen].slice(0, 3)).toEqual(["Member 1", "Member 10", "Member 11"]);
  });

  it("finds by name, phone, email and handle, filters by tag, stage, channel and field, and pages without repeats", async () => {
    const { workspaceId, session } = await memberOfNewWorkspace("manager");
    const caller = await callerFor(session.access_token);
    const dana = await createConversation(workspaceId, {
      contactName: "Dana Reyes",
      handle: "dana.lifts",
      provider: "instagram",
    });
    const sam = await createConversation(workspaceId, { contactName: "Sam Okafor", provider: "whatsapp" });
    for (let i = 0; i < 5; i++) await createConversation(workspaceId, { contactName: `Member ${i}` });
    await caller.contacts.update({ contactId: sam.contactId, phone: "+44 7700 900555", email: "sam@example.test" });
    await caller.contacts.tag({ workspaceId, contactIds: [dana.contactId], name: "vip" });
    const field = await caller.contactFields.save({ workspaceId, key: "plan", label: "Plan", type: "select", options: ["Gold"] });
    const fieldId = field.success ? field.data.id : "";
    await caller.contacts.setFields({ contactId: sam.contactId, values: { [fieldId]: "Gold" } });
    const names = async (filters: Omit<Parameters<typeof caller.contacts.list>[0], "workspaceId">) => {
      const page = await caller.contacts.list({ workspaceId, ...filters });
      return page.success ? page.data.items.map((item) => item.displayName) : page.error.code;
    };
    expect(await names({ search: "reyes" })).toEqual(["Dana Reyes"]);
    expect(await names({ search: "dana.li" })).toEqual(["Dana Reyes"]);
    expect(await names({ search: "7700 900555" })).toEqual(["Sam Okafor"]);
    expect(await names({ search: "sam@exa" })).toEqual(["Sam Okafor"]);
    const tags = await caller.tags.list({ workspaceId });
    expect(await names({ tagId: tags.success ? tags.data.tags[0]?.id : undefined })).toEqual(["Dana Reyes"]);
    expect(await names({ provider: "whatsapp" })).toEqual(["Sam Okafor"]);
    expect(await names({ field: { fieldId, value: "Gold" } })).toEqual(["Sam Okafor"]);
    expect(await names({ stageId: "none", search: "Member 1" })).toEqual(["Member 1"]);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await caller.contacts.list({ workspaceId, sort: "name", limit: 3, cursor });
      if (!page.success) throw new Error(page.error.message);
      seen.push(...page.data.items.map((item) => item.displayName ?? ""));
      cursor = page.data.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(["Dana Reyes", "Member 0", "Member 1", "Member 2", "Member 3", "Member 4", "Sam Okafor"]);
    expect(await caller.contacts.list({ workspaceId, sort: "recent", cursor: "not-a-cursor" })).toMatchObject({
      error: { code: "VALIDATION" },
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
