import { createHash, randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import type { ReceivedMedia } from "../../dev/meta/received-media";
import { eventually } from "../../dev/test/eventually";
import { callerFor, createConversation, memberOfNewWorkspace, superuserSql } from "../../dev/test/fixtures";
import { PNG_1X1, TINY_PDF } from "../../dev/test/media-files";
import { withUser } from "../db/client";

/** Staff replies with a file: uploaded to Storage as the user, sent by the test stack's worker to the Meta simulator. */
const { metaUrl, supabaseUrl, env } = inject("stack");

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const meta = (pathname: string, init?: RequestInit) => fetch(`${metaUrl}${pathname}`, init);
const injectFailure = (failure: object) =>
  meta("/__failures", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(failure) });
type Call = { method: string; path: string; body: Record<string, unknown> };
const callsTo = async (part: string) =>
  ((await (await meta("/__calls")).json()) as Call[]).filter((call) => call.path.includes(part));
const receivedBy = async (recipientId: string) =>
  ((await (await meta("/__received-media")).json()) as ReceivedMedia[]).filter((m) => m.recipientId === recipientId);

async function setup(provider: "whatsapp" | "messenger" | "instagram") {
  const member = await memberOfNewWorkspace("agent");
  const conversation = await createConversation(member.workspaceId, { provider });
  const [row] = await superuserSql()<{ accountId: string; recipient: string }[]>`
    select ca.provider_account_id as "accountId", ci.provider_user_id as recipient
    from public.conversations c join public.channel_accounts ca on ca.id = c.channel_account_id
    join public.contact_identities ci on ci.id = c.contact_identity_id where c.id = ${conversation.conversationId}`;
  const token = member.session.access_token;
  const folder = `${member.workspaceId}/outbound/${conversation.conversationId}`;
  const caller = await callerFor(token);
  return {
    ...member,
    ...conversation,
    accountId: row?.accountId ?? "",
    recipient: row?.recipient ?? "",
    caller,
    /** messages.send with a stored file, as the composer calls it. */
    sendFile(storedPath: string, caption?: string) {
      return caller.messages.send({
        conversationId: conversation.conversationId,
        clientMessageId: randomUUID(),
        file: { storedPath, caption },
      });
    },
    /** Uploads as the browser does: straight to Storage with the user's token. */
    async upload(name: string, bytes: Buffer, mimeType: string, folderPath = folder) {
      const path = `${folderPath}/${randomUUID()}-${name}`;
      const response = await fetch(`${supabaseUrl}/storage/v1/object/attachments/${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, apikey: env.SUPABASE_ANON_KEY ?? "", "content-type": mimeType },
        body: new Uint8Array(bytes),
      });
      expect(response.status).toBe(200);
      return path;
    },
  };
}

const statusOf = async (messageId: string) => {
  const [row] = await superuserSql()<{ status: string; error: { message: string; retryable: boolean } | null }[]>`
    select status, error from public.messages where id = ${messageId}`;
  return row;
};
const settledStatus = (row: Awaited<ReturnType<typeof statusOf>>) => row?.status === "sent" || row?.status === "failed";
const jobsFor = async (messageId: string) =>
  (await superuserSql()`select 1 from graphile_worker.jobs where key = ${`send-media:${messageId}`}`).length;

describe("a staff reply with a file", () => {
  it("WhatsApp: uploaded to /media by the worker, then sent by media id with its caption; Meta gets the same bytes", async () => {
    const s = await setup("whatsapp");
    const path = await s.upload("timetable.png", PNG_1X1, "image/png");
    const sent = await s.sendFile(path, "The new timetable");
    expect(sent).toMatchObject({
      success: true,
      data: {
        status: "pending",
        kind: "image",
        text: "The new timetable",
        attachments: [{ type: "image", storedPath: path, mimeType: "image/png", size: PNG_1X1.length, title: "timetable.png" }],
      },
    });
    const id = sent.success ? sent.data.id : "";
    expect(await eventually(() => statusOf(id), settledStatus)).toMatchObject({ status: "sent" });

    const [received] = await receivedBy(s.recipient);
    expect(received).toMatchObject({ via: "upload", type: "image", caption: "The new timetable", sha256: sha256(PNG_1X1) });
    const [send] = await callsTo(`/${s.accountId}/messages`);
    expect(send?.body).toMatchObject({ type: "image", image: { id: expect.any(String) }, biz_opaque_callback_data: id });
    const [conversation] =
      await superuserSql()`select last_message_preview from public.conversations where id = ${s.conversationId}`;
    expect(conversation?.last_message_preview).toContain("The new timetable");
  });

  it("Messenger: Meta fetches it from a signed Storage URL, and gets the same bytes", async () => {
    const s = await setup("messenger");
    const path = await s.upload("waiver.pdf", TINY_PDF, "application/pdf");
    const sent = await s.sendFile(path);
    const id = sent.success ? sent.data.id : "";
    expect(await eventually(() => statusOf(id), settledStatus)).toMatchObject({ status: "sent" });
    const [received] = await receivedBy(s.recipient);
    expect(received).toMatchObject({ via: "url", type: "file", sha256: sha256(TINY_PDF), size: TINY_PDF.length });
    const [send] = await callsTo(`/${s.accountId}/messages`);
    const url = (send?.body.message as { attachment?: { payload?: { url?: string } } } | undefined)?.attachment?.payload?.url;
    expect(url).toContain("/storage/v1/object/sign/attachments/");
    expect(url).not.toContain(env.SUPABASE_SERVICE_ROLE_KEY ?? "-");
  });

  it("refuses a file over the channel's limit, or a caption Messenger cannot take, before anything is queued", async () => {
    const s = await setup("whatsapp");
    const big = await s.upload("poster.png", Buffer.concat([PNG_1X1, Buffer.alloc(5_100_000)]), "image/png");
    const tooBig = await s.sendFile(big);
    expect(tooBig).toMatchObject({
      success: false,
      error: { code: "VALIDATION", message: "WhatsApp takes images (JPEG, PNG) up to 5 MB; this file is 5.1 MB." },
    });
    const gif = await s.upload("dance.gif", Buffer.from("GIF89a"), "image/gif");
    const wrongType = await s.sendFile(gif);
    expect(wrongType).toMatchObject({
      success: false,
      error: { code: "VALIDATION", message: expect.stringContaining("image/gif") },
    });

    const m = await setup("messenger");
    const photo = await m.upload("a.png", PNG_1X1, "image/png");
    const captioned = await m.sendFile(photo, "Look");
    expect(captioned).toMatchObject({
      success: false,
      error: { code: "VALIDATION", details: { fieldErrors: { caption: [expect.any(String)] } } },
    });
    const [queued] = await superuserSql()<{ n: number }[]>`
      select count(*)::int as n from public.messages where conversation_id in (${s.conversationId}, ${m.conversationId})`;
    expect(queued?.n).toBe(0);
  });

  it("Postgres refuses, as the user, a file of another conversation, one not uploaded, or one the channel refuses", async () => {
    const s = await setup("whatsapp");
    const other = await createConversation(s.workspaceId, { provider: "whatsapp" });
    const theirs = await s.upload("a.png", PNG_1X1, "image/png", `${s.workspaceId}/outbound/${other.conversationId}`);
    const gif = await s.upload("b.gif", Buffer.from("GIF89a"), "image/gif");
    const queue = (path: string) =>
      withUser(
        { sub: s.user.id, role: "authenticated" },
        (tx) => tx`select * from app.queue_outgoing_message(${s.conversationId}, ${randomUUID()}, null,
                     ${tx.json([{ storedPath: path, type: "image", mimeType: "image/png", size: 1 }])}, 'x')`,
      );
    await expect(queue(theirs)).rejects.toThrow(/outbound folder/);
    await expect(queue(`${s.workspaceId}/outbound/${s.conversationId}/${randomUUID()}-never.png`)).rejects.toThrow(
      /not in storage/,
    );
    await expect(queue(gif)).rejects.toThrow(/does not take this file/);
    // What the caller claims of a file is ignored: type, MIME type and size come from Storage's record.
    const mine = await s.upload("c.png", PNG_1X1, "image/png");
    const [row] = await withUser(
      { sub: s.user.id, role: "authenticated" },
      (tx) => tx<{ message_id: string }[]>`
      select message_id from app.queue_outgoing_message(${s.conversationId}, ${randomUUID()}, null,
        ${tx.json([{ storedPath: mine, type: "document", mimeType: "application/pdf", size: 1, url: "https://evil.example/x" }])}, 'x')`,
    );
    const [stored] = await superuserSql()`select kind, attachments from public.messages where id = ${row?.message_id ?? ""}`;
    expect(stored).toMatchObject({
      kind: "image",
      attachments: [{ type: "image", storedPath: mine, mimeType: "image/png", size: PNG_1X1.length, title: "c.png" }],
    });
  });

  it("a file whose bytes lie about its type is refused by the worker and never reaches Meta", async () => {
    const s = await setup("whatsapp");
    const path = await s.upload("photo.png", TINY_PDF, "image/png");
    const sent = await s.sendFile(path);
    const id = sent.success ? sent.data.id : "";
    expect(await eventually(() => statusOf(id), settledStatus)).toMatchObject({
      status: "failed",
      error: { message: expect.stringContaining("not what its name says"), retryable: false },
    });
    expect(await callsTo(`/${s.accountId}/`)).toHaveLength(0);
  });

  it("a job run again after the send, or a send that blipped on upload, sends once", async () => {
    const s = await setup("whatsapp");
    await injectFailure({ pathIncludes: `/${s.accountId}/media`, status: 503 });
    const path = await s.upload("a.png", PNG_1X1, "image/png");
    const sent = await s.sendFile(path);
    const id = sent.success ? sent.data.id : "";
    // The 503 made the job throw; the queue's backoff ran it again, and the upload then went through.
    expect(await eventually(() => statusOf(id), settledStatus, { timeoutMs: 20_000 })).toMatchObject({ status: "sent" });
    expect(await callsTo(`/${s.accountId}/media`)).toHaveLength(2);

    await superuserSql()`select graphile_worker.add_job('send-media', json_build_object('messageId', ${id}::text), job_key => ${`send-media:${id}`})`;
    await eventually(
      () => jobsFor(id),
      (n) => n === 0,
    );
    expect(await callsTo(`/${s.accountId}/messages`)).toHaveLength(1);
    expect(await receivedBy(s.recipient)).toHaveLength(1);
  });

  it("a send Meta refused shows as failed; Retry sends it once, however often it is pressed", async () => {
    const s = await setup("whatsapp");
    await injectFailure({ pathIncludes: `/${s.accountId}/messages`, status: 500, times: 2 });
    const path = await s.upload("a.png", PNG_1X1, "image/png");
    const sent = await s.sendFile(path);
    const id = sent.success ? sent.data.id : "";
    expect(await eventually(() => statusOf(id), settledStatus)).toMatchObject({ status: "failed", error: { retryable: true } });
    expect(await receivedBy(s.recipient)).toHaveLength(0);

    const retries = await Promise.all([1, 2, 3].map(() => s.caller.messages.retry({ messageId: id })));
    expect(retries.filter((r) => r.success)).toHaveLength(1);
    expect(retries.filter((r) => !r.success)).toMatchObject([{ error: { code: "CONFLICT" } }, { error: { code: "CONFLICT" } }]);
    expect(await eventually(() => statusOf(id), settledStatus)).toMatchObject({ status: "sent" });
    await eventually(
      () => jobsFor(id),
      (n) => n === 0,
    );
    expect(await receivedBy(s.recipient)).toHaveLength(1);
  });

  it("an upload no reply was sent with goes after a day, file and all; one a reply names stays", async () => {
    const s = await setup("whatsapp");
    const abandoned = await s.upload("draft.png", PNG_1X1, "image/png");
    const sentPath = await s.upload("sent.png", PNG_1X1, "image/png");
    const recent = await s.upload("recent.png", PNG_1X1, "image/png");
    const sent = await s.sendFile(sentPath);
    expect(sent.success).toBe(true);
    const sql = superuserSql();
    await sql`update storage.objects set created_at = now() - interval '25 hours' where name in (${abandoned}, ${sentPath})`;

    await sql`select graphile_worker.add_job('remove-expired', '{}', job_key := 'remove-expired')`;
    await eventually(
      async () => (await sql`select 1 from graphile_worker.jobs where key = 'remove-expired'`).length,
      (n) => n === 0,
    );
    const left = await sql<{ name: string }[]>`
      select name from storage.objects where name in (${abandoned}, ${sentPath}, ${recent}) order by name`;
    expect(left.map((row) => row.name).sort()).toEqual([sentPath, recent].sort());
    const key = env.SUPABASE_SERVICE_ROLE_KEY ?? "";
    const gone = await fetch(`${supabaseUrl}/storage/v1/object/authenticated/attachments/${abandoned}`, {
      headers: { authorization: `Bearer ${key}`, apikey: key },
    });
    expect(gone.status).toBe(404);
  });
});
