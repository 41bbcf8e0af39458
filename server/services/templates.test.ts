import { createHash, randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { eventually } from "../../dev/test/eventually";
import {
  callerFor,
  connectSimulatedWhatsApp,
  createConversation,
  createUser,
  memberOfNewWorkspace,
  sendWebhook,
  signIn,
  superuserSql,
} from "../../dev/test/fixtures";
import { PNG_1X1 } from "../../dev/test/media-files";
import { withUser } from "../db/client";

/** WhatsApp templates against the Meta simulator: synced by the test stack's worker and on demand, updated by webhooks. */
const { metaUrl, supabaseUrl, env } = inject("stack");

const meta = (pathname: string, body?: unknown, method = "POST") =>
  fetch(`${metaUrl}${pathname}`, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
type Call = { method: string; path: string; query: Record<string, string>; body: Record<string, unknown> };
const callsTo = async (part: string) =>
  ((await (await fetch(`${metaUrl}/__calls`)).json()) as Call[]).filter((call) => call.path.includes(part));

const templatesOf = (workspaceId: string) =>
  superuserSql()<{ id: string; name: string; status: string; rejected_reason: string | null }[]>`
    select id, name, status, rejected_reason from public.whatsapp_templates where workspace_id = ${workspaceId} order by name`;

/** An admin's gym with a simulator WhatsApp number whose templates the worker has synced, and a conversation on it. */
async function gymWithTemplates(options: { lastInboundAt?: Date } = {}) {
  const admin = await memberOfNewWorkspace("admin");
  const number = await connectSimulatedWhatsApp(admin.workspaceId);
  const synced = await eventually(
    () => templatesOf(admin.workspaceId),
    (rows) => rows.length === 6,
  );
  expect(synced.map((t) => `${t.name}:${t.status}`)).toEqual([
    "class_reminder:APPROVED",
    "follow_up:APPROVED",
    "holiday_hours:PENDING",
    "membership_renewal:APPROVED",
    "trial_offer:REJECTED",
    "we_miss_you:APPROVED",
  ]);
  const conversation = await createConversation(admin.workspaceId, {
    channelAccountId: number.channelAccountId,
    lastInboundAt: options.lastInboundAt,
  });
  const caller = await callerFor(admin.session.access_token);
  const idOf = (name: string) => synced.find((t) => t.name === name)?.id ?? "";
  const sendTemplate = (name: string, values: Record<string, string>) =>
    caller.messages.sendTemplate({
      conversationId: conversation.conversationId,
      clientMessageId: randomUUID(),
      templateId: idOf(name),
      values,
    });
  return { ...admin, ...number, ...conversation, caller, idOf, sendTemplate };
}

describe("WhatsApp templates", () => {
  it("are synced when a number is connected, and Sync pages through all of them and drops the ones Meta removed", async () => {
    const gym = await gymWithTemplates();
    const many = Array.from({ length: 230 }, (_, i) => ({
      name: `notice_${String(i).padStart(3, "0")}`,
      components: [{ type: "BODY", text: `Notice ${i} for {{1}}` }],
    }));
    await meta("/__templates", { wabaId: gym.wabaId, templates: many });
    const before = (await callsTo(`/${gym.wabaId}/message_templates`)).length;

    const synced = await gym.caller.templates.sync({ workspaceId: gym.workspaceId });
    expect(synced, JSON.stringify(synced)).toMatchObject({ success: true, data: { accounts: 1, templates: 236, removed: 0 } });
    const pages = (await callsTo(`/${gym.wabaId}/message_templates`)).slice(before);
    expect(pages).toHaveLength(3);
    expect(pages.map((call) => Boolean(call.query.after))).toEqual([false, true, true]);
    expect(pages.every((call) => call.query.access_token === undefined)).toBe(true);
    expect(await templatesOf(gym.workspaceId)).toHaveLength(236);

    await meta("/__templates", { wabaId: gym.wabaId, name: "notice_007" }, "DELETE");
    expect(await gym.caller.templates.sync({ workspaceId: gym.workspaceId })).toMatchObject({
      success: true,
      data: { templates: 235, removed: 1 },
    });
    const listed = await gym.caller.templates.list({ workspaceId: gym.workspaceId });
    const names = listed.success ? listed.data.templates.map((t) => t.name) : [];
    expect(names).toHaveLength(235);
    expect(names).not.toContain("notice_007");
  });

  it("are read by every member, synced by managers and admins only, and kept to their own gym", async () => {
    const gym = await gymWithTemplates();
    const agent = await createUser("agent");
    await superuserSql()`insert into public.memberships (workspace_id, user_id, role) values (${gym.workspaceId}, ${agent.id}, 'agent')`;
    const agentCaller = await callerFor((await signIn(agent)).access_token);
    expect(await agentCaller.templates.list({ workspaceId: gym.workspaceId })).toMatchObject({
      success: true,
      data: { canSync: false, accounts: [{ wabaId: gym.wabaId }] },
    });
    expect(await agentCaller.templates.sync({ workspaceId: gym.workspaceId })).toMatchObject({
      success: false,
      error: { code: "FORBIDDEN" },
    });
    const outsider = await memberOfNewWorkspace("admin");
    const outsiderCaller = await callerFor(outsider.session.access_token);
    expect(await outsiderCaller.templates.list({ workspaceId: gym.workspaceId })).toMatchObject({
      success: false,
      error: { code: "NOT_FOUND" },
    });
    expect(
      await outsiderCaller.messages.sendTemplate({
        conversationId: gym.conversationId,
        clientMessageId: randomUUID(),
        templateId: gym.idOf("follow_up"),
        values: { "body.1": "Sam" },
      }),
    ).toMatchObject({ success: false, error: { code: "NOT_FOUND" } });
  });

  it("follow their review webhooks: rejected with the reason, an older webhook changes nothing, a new one is synced", async () => {
    const gym = await gymWithTemplates();
    const review = await meta("/__templates/status", {
      wabaId: gym.wabaId,
      name: "follow_up",
      status: "REJECTED",
      reason: "INCORRECT_CATEGORY",
    });
    expect(((await review.json()) as { delivered: number }).delivered).toBe(200);
    const rejected = await eventually(
      async () => (await templatesOf(gym.workspaceId)).find((t) => t.name === "follow_up"),
      (t) => t?.status === "REJECTED",
    );
    expect(rejected).toMatchObject({ status: "REJECTED", rejected_reason: "INCORRECT_CATEGORY" });
    const [stored] = await superuserSql()<{ workspace_id: string | null; outcome: string }[]>`
      select workspace_id, outcome from public.webhook_events where payload -> 'entry' -> 0 ->> 'id' = ${gym.wabaId}`;
    expect(stored).toEqual({ workspace_id: gym.workspaceId, outcome: "processed" });

    // The same template approved an hour ago, delivered late: the newer rejection stands.
    const [row] = await superuserSql()<{ provider_template_id: string }[]>`
      select provider_template_id from public.whatsapp_templates where id = ${gym.idOf("follow_up")}`;
    const lateWebhook = (event: string, secondsAgo: number, id = row?.provider_template_id, name = "follow_up") => ({
      object: "whatsapp_business_account",
      entry: [
        {
          id: gym.wabaId,
          time: Math.floor(Date.now() / 1000) - secondsAgo,
          changes: [
            {
              field: "message_template_status_update",
              value: {
                event,
                message_template_id: Number(id),
                message_template_name: name,
                message_template_language: "en_US",
                reason: "NONE",
              },
            },
          ],
        },
      ],
    });
    expect((await sendWebhook(lateWebhook("APPROVED", 3600))).status).toBe(200);
    expect((await templatesOf(gym.workspaceId)).find((t) => t.name === "follow_up")?.status).toBe("REJECTED");

    // One made in WhatsApp Manager since the last sync: its webhook has the account synced.
    await meta("/__templates", {
      wabaId: gym.wabaId,
      templates: [{ name: "new_timetable", components: [{ type: "BODY", text: "New timetable" }] }],
    });
    expect((await sendWebhook(lateWebhook("APPROVED", 0, "999999999999999", "new_timetable"))).status).toBe(200);
    const appeared = await eventually(
      () => templatesOf(gym.workspaceId),
      (rows) => rows.some((t) => t.name === "new_timetable"),
    );
    expect(appeared.find((t) => t.name === "new_timetable")?.status).toBe("APPROVED");
  });

  it("are sent with their components once the window has closed, and the thread shows the text the member reads", async () => {
    const gym = await gymWithTemplates({ lastInboundAt: new Date(Date.now() - 2 * 86_400_000) });
    const text = await gym.caller.messages.send({
      conversationId: gym.conversationId,
      clientMessageId: randomUUID(),
      text: "Hi",
    });
    expect(text).toMatchObject({ success: false, error: { code: "WINDOW_CLOSED" } });

    const sent = await gym.sendTemplate("membership_renewal", {
      "header.placeholder": "x",
      "body.first_name": "Sam",
      "body.renewal_date": "1 March",
      "button.0": "abc123",
    });
    // A value for a variable the template does not have is refused, like a missing one.
    expect(sent).toMatchObject({
      success: false,
      error: { code: "VALIDATION", details: { fieldErrors: { "header.placeholder": [expect.any(String)] } } },
    });

    const before = (await callsTo(`/${gym.phoneNumberId}/messages`)).length;
    const renewal = await gym.sendTemplate("membership_renewal", {
      "body.first_name": "Sam",
      "body.renewal_date": "1 March",
      "button.0": "abc123",
    });
    expect(renewal).toMatchObject({
      success: true,
      data: {
        status: "sent",
        text: "Your membership\n\nHi Sam, your membership renews on 1 March. Renew or change your plan online.",
      },
    });
    const [call] = (await callsTo(`/${gym.phoneNumberId}/messages`)).slice(before);
    expect(call?.body).toMatchObject({
      type: "template",
      template: {
        name: "membership_renewal",
        language: { code: "en_US" },
        components: [
          {
            type: "body",
            parameters: [
              { type: "text", parameter_name: "first_name", text: "Sam" },
              { type: "text", parameter_name: "renewal_date", text: "1 March" },
            ],
          },
          { type: "button", sub_type: "url", index: "0", parameters: [{ type: "text", text: "abc123" }] },
        ],
      },
    });
  });

  it("refuses a wrong number of values, an unapproved template and one with a media header before calling Meta", async () => {
    const gym = await gymWithTemplates();
    const before = (await callsTo(`/${gym.phoneNumberId}/messages`)).length;
    expect(await gym.sendTemplate("class_reminder", { "body.1": "Sam", "body.2": "Spin" })).toMatchObject({
      success: false,
      error: {
        code: "VALIDATION",
        details: { fieldErrors: { "body.3": ["Fill this in: WhatsApp sends no template with a blank."] } },
      },
    });
    expect(await gym.sendTemplate("class_reminder", { "body.1": "Sam", "body.2": "Spin\nYoga", "body.3": "7:00" })).toMatchObject(
      {
        success: false,
        error: { code: "VALIDATION", details: { fieldErrors: { "body.2": [expect.stringContaining("line breaks")] } } },
      },
    );
    expect(await gym.sendTemplate("holiday_hours", { "body.1": "9–14" })).toMatchObject({
      success: false,
      error: {
        code: "VALIDATION",
        details: { fieldErrors: { templateId: [expect.stringContaining("still in Meta's review")] } },
      },
    });
    expect(await gym.sendTemplate("we_miss_you", { "body.1": "Iron Temple" })).toMatchObject({
      success: false,
      error: {
        code: "VALIDATION",
        details: { fieldErrors: { headerFile: ["Attach the image this template shows at its top."] } },
      },
    });
    expect((await callsTo(`/${gym.phoneNumberId}/messages`)).length).toBe(before);
    expect(
      await superuserSql()`select 1 from public.messages where conversation_id = ${gym.conversationId} and direction = 'outbound'`,
    ).toHaveLength(0);
  });

  it("with a header image: the file uploaded to the conversation goes by a link Meta fetches; one from elsewhere is refused", async () => {
    const gym = await gymWithTemplates();
    const upload = async (folder: string) => {
      const path = `${folder}/${randomUUID()}-comeback.png`;
      const response = await fetch(`${supabaseUrl}/storage/v1/object/attachments/${path}`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${gym.session.access_token}`,
          apikey: env.SUPABASE_ANON_KEY ?? "",
          "content-type": "image/png",
        },
        body: new Uint8Array(PNG_1X1),
      });
      expect(response.status).toBe(200);
      return path;
    };
    const other = await createConversation(gym.workspaceId, { channelAccountId: gym.channelAccountId });
    const elsewhere = await upload(`${gym.workspaceId}/outbound/${other.conversationId}`);
    const send = (headerFile: string) =>
      gym.caller.messages.sendTemplate({
        conversationId: gym.conversationId,
        clientMessageId: randomUUID(),
        templateId: gym.idOf("we_miss_you"),
        values: { "body.1": "Iron Temple" },
        headerFile,
      });
    expect(await send(elsewhere)).toMatchObject({
      success: false,
      error: { code: "VALIDATION", details: { fieldErrors: { headerFile: [expect.stringContaining("a JPEG or PNG photo")] } } },
    });

    const header = await upload(`${gym.workspaceId}/outbound/${gym.conversationId}`);
    expect(await send(header)).toMatchObject({
      success: true,
      data: { status: "sent", kind: "template", templateName: "we_miss_you" },
    });
    const [call] = (await callsTo(`/${gym.phoneNumberId}/messages`)).slice(-1);
    type SentTemplate = { components: { type: string; parameters: { image?: { link: string } }[] }[] };
    const components = (call?.body.template as SentTemplate | undefined)?.components ?? [];
    expect(components[0]?.type).toBe("header");
    expect(components[0]?.parameters[0]?.image?.link).toMatch(/^http.*token=/);
    expect(components[0]?.parameters[0]?.image?.link).not.toContain(env.SUPABASE_SERVICE_ROLE_KEY ?? "never");
    const received = (await (await fetch(`${metaUrl}/__received-media`)).json()) as {
      sha256: string;
      providerMessageId: string;
    }[];
    expect(received.some((file) => file.sha256 === createHash("sha256").update(PNG_1X1).digest("hex"))).toBe(true);
  });

  it("a template Meta refuses fails with its reason, and Postgres refuses an unapproved one to a caller going around the API", async () => {
    const gym = await gymWithTemplates();
    await meta("/__failures", { pathIncludes: `/${gym.phoneNumberId}/messages`, code: 132015 });
    const paused = await gym.sendTemplate("follow_up", { "body.1": "Sam" });
    expect(paused).toMatchObject({
      success: true,
      data: {
        status: "failed",
        text: "Hi Sam, thanks for getting in touch with Iron Temple. Reply to this message and the team will pick it up.",
        error: { code: "TEMPLATE_REFUSED", providerCode: 132015, retryable: false, message: expect.stringContaining("paused") },
      },
    });

    const [queued] = await withUser(
      { sub: gym.user.id, role: "authenticated" },
      (tx) => tx<{ outcome: string }[]>`
        select outcome from app.queue_template_message(${gym.conversationId}, ${randomUUID()}, ${gym.idOf("trial_offer")},
                                                       '[]', 'Hola', 'Hola', null)`,
    );
    expect(queued?.outcome).toBe("not_approved");
  });
});
