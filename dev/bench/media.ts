// `npm run bench:media`: members' photos into Storage. 200 inbound images, every other one a WhatsApp media id and
// the rest a Messenger CDN URL, webhooked at 20/s through the edge function; for each, the time from its webhook
// until the worker has stored it and a signed URL (asked for with a member's token, as the thread does) serves the
// same bytes. Then a 100 MB WhatsApp document in, and one out (uploaded by staff to Storage, queued as their reply, sent
// by the worker to WhatsApp's media upload): how much the worker's memory and this process's (the gateway with Storage
// and the simulator run in it) grow while each streams through. The test stack: Postgres, the gateway, Deno, one
// worker and the Meta simulator.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { LOCAL_DEFAULTS } from "../../server/lib/config";
import { supabaseClient } from "../../server/lib/supabase-client";
import { ATTACHMENTS_BUCKET, outboundPath } from "../../supabase/functions/_shared/outbound-media";
import { metaStores } from "../meta/held-media";
import type { ReceivedMedia } from "../meta/received-media";
import { deliverWebhook, messengerAttachment, whatsappMedia } from "../meta/webhooks";
import { startThrowawayStack } from "../stack/throwaway-stack";
import { testData } from "../test/test-data";
import { fmt, summarize } from "./latency";
import { processTree, resetPeaks, sumStatus } from "./process-memory";
import { uploadFile } from "./storage-upload";

const IMAGES = Number(process.env.BENCH_MEDIA_IMAGES ?? 200);
const PER_SECOND = 20;
const TIMEOUT_MS = 60_000;
// Just under the bucket's 100 MiB limit (the bucket refuses larger files, as it should).
const BIG_DOCUMENT_MB = 99;
// WhatsApp takes documents up to 100 MB (decimal): the reply is just under.
const BIG_REPLY_BYTES = 99_000_000;
const say = (line: string) => process.stdout.write(`${line}\n`);
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

const photo = await readFile(path.resolve(import.meta.dirname, "../meta/demo-media/kettlebell.png"));
const run = await startThrowawayStack({ seedDemo: false });
const { stack, metaUrl } = run;
const project = { supabaseUrl: stack.supabaseUrl, anonKey: stack.env.SUPABASE_ANON_KEY ?? "" };
const data = testData({
  supabaseUrl: stack.supabaseUrl,
  superuserUrl: stack.superuserUrl,
  anonKey: stack.env.SUPABASE_ANON_KEY ?? "",
  serviceRoleKey: stack.env.SUPABASE_SERVICE_ROLE_KEY ?? "",
});
try {
  const gym = await data.memberOfNewWorkspace("agent");
  const accountOf = async (provider: "whatsapp" | "messenger") => {
    const channelId = await data.createChannel(gym.workspaceId, provider);
    const [row] = await data.sql()<{ accountId: string }[]>`
      select provider_account_id as "accountId" from public.channel_accounts where id = ${channelId}`;
    return row?.accountId ?? "";
  };
  const phoneNumberId = await accountOf("whatsapp");
  const pageId = await accountOf("messenger");
  const storage = supabaseClient(stack.env.SUPABASE_ANON_KEY ?? "", {
    accessToken: gym.session.access_token,
    supabaseUrl: stack.supabaseUrl,
  }).storage.from(ATTACHMENTS_BUCKET);

  // Meta holds each file before its webhook names it, as it does.
  const items = await Promise.all(
    Array.from({ length: IMAGES }, async (_, n) => {
      const held = await metaStores(metaUrl, photo, "image/png");
      return { n, key: n % 2 === 0 ? held.id : held.url, whatsapp: n % 2 === 0, sentAt: 0, servedMs: 0, storedMs: 0 };
    }),
  );
  const webhookUrl = `${stack.supabaseUrl}/functions/v1/meta-webhook`;
  let refused = 0;
  const started = performance.now();
  const deliveries = items.map(async (item) => {
    await new Promise((resolve) => setTimeout(resolve, (item.n * 1000) / PER_SECOND));
    item.sentAt = performance.now();
    const payload = item.whatsapp
      ? whatsappMedia({
          phoneNumberId,
          waId: `4477009${String(item.n).padStart(5, "0")}`,
          kind: "image",
          mediaId: item.key,
          mimeType: "image/png",
        })
      : messengerAttachment({ pageId, psid: `7100000000${String(item.n).padStart(6, "0")}`, type: "image", url: item.key });
    const response = await deliverWebhook(webhookUrl, payload, { appSecret: LOCAL_DEFAULTS.META_APP_SECRET });
    if (response.status !== 200) refused += 1;
  });

  // Watch for stored attachments; each one found is signed and fetched at once.
  const outstanding = new Map(items.map((item) => [item.key, item]));
  const serving: Promise<void>[] = [];
  let mismatched = 0;
  let unavailable = 0;
  while (outstanding.size > 0 && performance.now() - started < TIMEOUT_MS) {
    const rows = await data.sql()<{ key: string; storedPath: string | null; unavailable: string | null }[]>`
      select coalesce(attachments -> 0 ->> 'mediaId', attachments -> 0 ->> 'url') as key,
             attachments -> 0 ->> 'storedPath' as "storedPath", attachments -> 0 ->> 'unavailable' as unavailable
      from public.messages
      where workspace_id = ${gym.workspaceId}
        and (attachments -> 0 ? 'storedPath' or attachments -> 0 ? 'unavailable')`;
    for (const row of rows) {
      const item = outstanding.get(row.key);
      if (!item || item.sentAt === 0) continue;
      outstanding.delete(row.key);
      if (!row.storedPath) {
        unavailable += 1;
        continue;
      }
      const storedPath = row.storedPath;
      item.storedMs = performance.now() - item.sentAt;
      serving.push(
        (async () => {
          const signed = await storage.createSignedUrl(storedPath, 600);
          const response = signed.data ? await fetch(signed.data.signedUrl) : null;
          const bytes = response?.ok ? new Uint8Array(await response.arrayBuffer()) : new Uint8Array();
          item.servedMs = performance.now() - item.sentAt;
          if (sha256(bytes) !== sha256(photo)) mismatched += 1;
        })(),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await Promise.all(deliveries);
  await Promise.all(serving);

  const memory = await bigDocumentIn(gym.workspaceId, phoneNumberId);
  const out = await bigDocumentOut(gym);

  const served = items.filter((item) => item.servedMs > 0);
  const storedUntilServed = summarize(served.map((item) => item.servedMs));
  const storedOnly = summarize(served.map((item) => item.storedMs));
  const failed = refused + unavailable + outstanding.size + mismatched;
  say(`bench:media — ${IMAGES} inbound images at ${PER_SECOND}/s (half WhatsApp media ids, half Messenger CDN URLs)`);
  say(`  stored (webhook → in Storage):          p50 ${fmt(storedOnly.p50)} ms  p95 ${fmt(storedOnly.p95)} ms`);
  say(
    `  stored and served (→ signed URL bytes): p50 ${fmt(storedUntilServed.p50)} ms  p95 ${fmt(storedUntilServed.p95)} ms  p99 ${fmt(storedUntilServed.p99)} ms`,
  );
  say(
    `  webhooks refused ${refused}, unavailable ${unavailable}, never stored ${outstanding.size}, bytes differing ${mismatched}`,
  );
  say(
    `  ${BIG_DOCUMENT_MB} MB document in: ${memory.stored ? "stored" : "NOT stored"} in ${fmt(memory.ms)} ms; memory grew by worker ${memory.workerMb} MB, gateway+simulator ${memory.gatewayMb} MB`,
  );
  say(
    `  ${Math.round(BIG_REPLY_BYTES / 1e6)} MB document out: ${out.sent ? "sent" : "NOT sent"} in ${fmt(out.ms)} ms (${out.bytesMatch ? "WhatsApp got the same bytes" : "bytes DIFFER"}); memory grew by worker ${out.workerMb} MB, gateway+simulator ${out.gatewayMb} MB`,
  );
  say(`  target: p95 ≤ 2,000 ms, failed 0, bytes_match 1, peak_rss_delta_mb < 50`);
  const bytesMatch = mismatched === 0 && served.length === IMAGES && out.bytesMatch;
  say(
    `stored_p50_ms=${Math.round(storedUntilServed.p50)} stored_p95_ms=${Math.round(storedUntilServed.p95)} failed=${failed + (memory.stored ? 0 : 1) + (out.sent ? 0 : 1)} bytes_match=${bytesMatch ? 1 : 0} peak_rss_delta_mb=${Math.max(memory.workerMb, memory.gatewayMb, out.workerMb, out.gatewayMb)}`,
  );
} finally {
  await data.close();
  await run.stop();
}

/** A file of `bytes` on disk, written in 1 MB chunks (never held), starting as a PDF does. */
async function writeDocument(file: string, bytes: number) {
  const out = createWriteStream(file);
  out.write("%PDF-1.7\n");
  const chunk = Buffer.alloc(1024 * 1024);
  for (let written = 9, n = 0; written < bytes; n++) {
    chunk.fill(n % 251);
    const part = chunk.subarray(0, Math.min(chunk.length, bytes - written));
    written += part.length;
    if (!out.write(part)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

/**
 * Memory while `work` runs: the worker's process tree's high-water mark, reset first (`clear_refs`), and this
 * process's RSS sampled every 10 ms, each against its level just before.
 */
async function memoryDuring<T>(work: () => Promise<T>) {
  const workers = await processTree(run.workerPid());
  await resetPeaks(workers);
  const workerBefore = await sumStatus(workers, "VmRSS");
  const selfBefore = process.memoryUsage.rss();
  let selfPeak = selfBefore;
  const sampling = setInterval(() => {
    selfPeak = Math.max(selfPeak, process.memoryUsage.rss());
  }, 10);
  const started = performance.now();
  try {
    const result = await work();
    const ms = performance.now() - started;
    const workerPeak = await sumStatus(workers, "VmHWM");
    const mb = (bytes: number) => Math.max(0, Math.round(bytes / (1024 * 1024)));
    return { result, ms, workerMb: mb(workerPeak - workerBefore), gatewayMb: mb(selfPeak - selfBefore) };
  } finally {
    clearInterval(sampling);
  }
}

/**
 * Staff reply with a 99 MB document in the conversation the big document came in: uploaded to Storage with their
 * token (streamed from disk), queued as they would queue it (app.queue_outgoing_message as `authenticated`), sent by
 * the worker to WhatsApp's media upload. Measured from the upload's start until the reply is sent.
 */
async function bigDocumentOut(gym: { workspaceId: string; user: { id: string }; session: { access_token: string } }) {
  const dir = await mkdtemp(path.join(tmpdir(), "frontdesk-bench-media-"));
  try {
    const file = path.join(dir, "class-schedule.pdf");
    await writeDocument(file, BIG_REPLY_BYTES);
    const hash = createHash("sha256");
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    const expected = hash.digest("hex");
    const [conversation] = await data.sql()<{ id: string; recipient: string }[]>`
      select c.id, ci.provider_user_id as recipient from public.conversations c
      join public.contact_identities ci on ci.id = c.contact_identity_id
      where c.workspace_id = ${gym.workspaceId} and ci.provider_user_id = '447700999999'`;
    if (!conversation) throw new Error("the big document's conversation is missing");
    const storedPath = outboundPath(gym.workspaceId, conversation.id, crypto.randomUUID(), "class-schedule.pdf");

    const measured = await memoryDuring(async () => {
      await uploadFile(project, gym.session.access_token, storedPath, file, "application/pdf");
      const messageId = await data.sql().begin(async (tx) => {
        await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: gym.user.id, role: "authenticated" })}, true)`;
        await tx`set local role authenticated`;
        const [row] = await tx<{ message_id: string }[]>`
          select message_id from app.queue_outgoing_message(${conversation.id}, ${crypto.randomUUID()}, null,
            ${tx.json([{ storedPath }])}, '📎 File')`;
        return row?.message_id ?? "";
      });
      for (const deadline = performance.now() + 180_000; performance.now() < deadline; ) {
        const [row] = await data.sql()<{ status: string }[]>`select status from public.messages where id = ${messageId}`;
        if (row?.status !== "pending") return row?.status === "sent";
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return false;
    });
    const received = ((await (await fetch(`${metaUrl}/__received-media`)).json()) as ReceivedMedia[]).filter(
      (media) => media.recipientId === conversation.recipient,
    );
    return { ...measured, sent: measured.result, bytesMatch: received.length === 1 && received[0]?.sha256 === expected };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A 100 MB document (on disk, never held) that Meta serves from the file; the worker streams it into Storage. Measured
 * from its webhook until it is stored.
 */
async function bigDocumentIn(workspaceId: string, phoneNumberId: string) {
  const dir = await mkdtemp(path.join(tmpdir(), "frontdesk-bench-media-"));
  try {
    const file = path.join(dir, "membership-terms.pdf");
    await writeDocument(file, BIG_DOCUMENT_MB * 1024 * 1024 + 9);
    const held = await metaStores(metaUrl, { file }, "application/pdf");
    const measured = await memoryDuring(async () => {
      const started = performance.now();
      await deliverWebhook(
        `${stack.supabaseUrl}/functions/v1/meta-webhook`,
        whatsappMedia({
          phoneNumberId,
          waId: "447700999999",
          kind: "document",
          mediaId: held.id,
          mimeType: "application/pdf",
          filename: "membership-terms.pdf",
        }),
        { appSecret: LOCAL_DEFAULTS.META_APP_SECRET },
      );
      while (performance.now() - started < 120_000) {
        const [row] = await data.sql()<{ size: string | null }[]>`
          select attachments -> 0 ->> 'size' as size from public.messages
          where workspace_id = ${workspaceId} and attachments -> 0 ->> 'mediaId' = ${held.id}`;
        if (Number(row?.size) > BIG_DOCUMENT_MB * 1024 * 1024) return true;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return false;
    });
    return { ...measured, stored: measured.result };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
