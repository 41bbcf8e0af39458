import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { eventually } from "../../dev/test/eventually";
import { callerFor, createConversation, memberOfNewWorkspace, superuserSql } from "../../dev/test/fixtures";
import { createLogger } from "../lib/logger";
import { exportContacts } from "./contact-export";
import { listContactFields } from "./contact-fields";

const { supabaseUrl, env } = inject("stack");
const upload = (token: string, path: string, text: string) =>
  fetch(`${supabaseUrl}/storage/v1/object/attachments/${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, apikey: env.SUPABASE_ANON_KEY ?? "", "content-type": "text/csv" },
    body: text,
  });

const CSV = [
  "Full name,Mobile,E-mail,Tags,Stage,Plan",
  "Dana Reyes,07700 900111,dana@example.test,vip; early bird,Trial,gold",
  "Sam Okafor,+44 7700 900222,,,Member,Silver",
  "No Number,,nobody@example.test,,,",
  "Bad Phone,12,bad@example.test,,Nowhere,Platinum",
  "Existing Member,+447700900333,,returning,,",
  '"=HYPERLINK(""http://x.test"")",+447700900444,,,,',
].join("\n");

describe("importing contacts from CSV", () => {
  it("maps the columns, imports valid rows in the worker, reports each refused row, and updates a contact matched by phone", async () => {
    const manager = await memberOfNewWorkspace("manager");
    const ws = manager.workspaceId;
    const caller = await callerFor(manager.session.access_token);
    const existing = await createConversation(ws, { contactName: "Already Here" });
    await caller.contacts.update({ contactId: existing.contactId, phone: "+447700900333" });
    const plan = await caller.contactFields.save({
      workspaceId: ws,
      key: "plan",
      label: "Plan",
      type: "select",
      options: ["Gold", "Silver"],
    });
    const planId = plan.success ? plan.data.id : "";
    const path = `${ws}/imports/${randomUUID()}-members.csv`;
    expect((await upload(manager.session.access_token, path, CSV)).status).toBe(200);

    const first = await caller.contactImports.preview({ workspaceId: ws, storedPath: path });
    expect(first).toMatchObject({
      success: true,
      data: {
        columns: ["Full name", "Mobile", "E-mail", "Tags", "Stage", "Plan"],
        suggested: {
          "Full name": "name",
          Mobile: "phone",
          "E-mail": "email",
          Tags: "tags",
          Stage: "stage",
          Plan: `field:${planId}`,
        },
      },
    });
    const mapping = first.success ? (first.data.suggested as Record<string, `field:${string}` | "name">) : {};
    const settings = { mapping, defaultCountry: "GB" as const, matchOn: "phone" as const };
    const checked = await caller.contactImports.preview({ workspaceId: ws, storedPath: path, settings });
    expect(checked.success && checked.data.rows.map((row) => row.problems ?? [])).toEqual([
      [],
      [],
      ["No phone to match the contact on."],
      ["Mobile: “12” is not a phone number.", "Stage: there is no stage “Nowhere”.", "Plan: Plan takes one of: Gold, Silver."],
      [],
      [],
    ]);

    const started = await caller.contactImports.start({
      workspaceId: ws,
      storedPath: path,
      fileName: "members.csv",
      ...settings,
    });
    const importId = started.success ? started.data.importId : "";
    const done = await eventually(
      () => caller.contactImports.status({ importId }),
      (status) => status.success && status.data.status === "done",
    );
    expect(done).toMatchObject({
      success: true,
      data: {
        status: "done",
        created: 3,
        updated: 1,
        failed: 2,
        progress: 1,
        failures: [
          { rowNumber: 4, problems: ["No phone to match the contact on."] },
          { rowNumber: 5, problems: [expect.stringMatching(/not a phone number/), expect.any(String), expect.any(String)] },
        ],
      },
    });
    const contacts = await superuserSql()<
      { name: string; phone: string; email: string | null; stage: string | null; tags: string[]; plan: string | null }[]
    >`
      select ct.display_name as name, ct.phone, ct.email, s.name as stage, ct.custom_fields ->> ${planId} as plan,
             array(select t.name from public.contact_tags ctg join public.tags t on t.id = ctg.tag_id
                   where ctg.contact_id = ct.id order by t.name) as tags
      from public.contacts ct left join public.pipeline_stages s on s.id = ct.stage_id
      where ct.workspace_id = ${ws} order by ct.phone`;
    expect(contacts).toEqual([
      {
        name: "Dana Reyes",
        phone: "+447700900111",
        email: "dana@example.test",
        stage: "Trial",
        tags: ["early bird", "vip"],
        plan: "Gold",
      },
      { name: "Sam Okafor", phone: "+447700900222", email: null, stage: "Member", tags: [], plan: "Silver" },
      { name: "Existing Member", phone: "+447700900333", email: null, stage: null, tags: ["returning"], plan: null },
      { name: '=HYPERLINK("http://x.test")', phone: "+447700900444", email: null, stage: null, tags: [], plan: null },
    ]);

    // A batch the job sends again after a crash changes nothing.
    const [again] = await superuserSql()<{ outcome: string }[]>`
      select app.import_contact_rows(${importId}, 2, '[{"n": 2, "name": "Twice", "phone": "+447700900999"}]', 10) as outcome`;
    expect(again?.outcome).toBe("done");

    // Exported back in the columns an import reads.
    const claims = { sub: manager.user.id, role: "authenticated" as const };
    const log = createLogger({ service: "test" });
    const fields = await listContactFields(claims, ws, log);
    let csv = "";
    for await (const chunk of exportContacts(claims, ws, fields.success ? fields.data.fields : [], {}, log)) csv += chunk;
    const lines = csv.trim().split("\n");
    expect(lines[0]).toBe("Name,Phone,Email,Stage,Tags,Notes,Plan,Channels,Last contact,Created");
    expect(lines).toHaveLength(5);
    // A name a spreadsheet would run as a formula goes out as text.
    expect(lines.find((line) => line.includes("HYPERLINK"))).toMatch(/^"'=HYPERLINK\(""http:\/\/x.test""\)",\+447700900444,/);
    expect(lines.find((line) => line.startsWith("Dana Reyes"))).toMatch(
      /^Dana Reyes,\+447700900111,dana@example.test,Trial,early bird; vip,,Gold,,,/,
    );
  });

  it("refuses a file outside the workspace's imports folder and a mapping without the column to match on", async () => {
    const manager = await memberOfNewWorkspace("manager");
    const caller = await callerFor(manager.session.access_token);
    const path = `${manager.workspaceId}/imports/${randomUUID()}-x.csv`;
    await upload(manager.session.access_token, path, "Name,Email\nDana,dana@example.test\n");
    expect(
      await caller.contactImports.start({
        workspaceId: manager.workspaceId,
        storedPath: path,
        fileName: "x.csv",
        mapping: { Name: "name" },
        defaultCountry: null,
        matchOn: "phone",
      }),
    ).toMatchObject({
      error: { code: "VALIDATION", details: { fieldErrors: { mapping: [expect.stringMatching(/Map a column to Phone/)] } } },
    });
    expect(
      await caller.contactImports.preview({
        workspaceId: manager.workspaceId,
        storedPath: `${manager.workspaceId}/outbound/x.csv`,
      }),
    ).toMatchObject({ error: { code: "VALIDATION" } });
    const agentUpload = await upload(
      manager.session.access_token.replace(/./g, "x"),
      `${manager.workspaceId}/imports/y.csv`,
      "a",
    );
    expect(agentUpload.status).toBeGreaterThanOrEqual(400);
  });
});
