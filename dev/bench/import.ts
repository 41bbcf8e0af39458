// `npm run bench:import`: contacts from CSV through the worker. A 10,000-row file (name, phone, email, tags, stage, a
// plan field; 1% of rows invalid) imported from upload to report; then a 100 MB file streamed through the same import
// while the worker's memory is watched. The test stack: Postgres, the gateway with Storage, one worker.
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { contactImportPath } from "../../supabase/functions/_shared/outbound-media";
import { startThrowawayStack } from "../stack/throwaway-stack";
import { testData } from "../test/test-data";
import { processTree, sumStatus } from "./process-memory";
import { uploadFile } from "./storage-upload";

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 10_000);
const BIG_MB = Number(process.env.BENCH_IMPORT_MB ?? 99);
const say = (line: string) => process.stdout.write(`${line}\n`);
const HEADER = "Name,Mobile,Email,Tags,Stage,Plan,Notes\n";
const NOTE = "Prefers morning classes; knee injury in 2025, cleared by physio. Interested in the 12-week strength block. ";

/** Row n of a gym's export: every hundredth row's phone is not a number. */
function row(n: number): string {
  const phone = n % 100 === 99 ? "not a number" : `+44 7${String(700000000 + n).padStart(9, "0")}`;
  const stage = ["Enquiry", "Trial", "Member", "Lapsed"][n % 4];
  const plan = ["Gold", "Silver", ""][n % 3];
  return `Member ${n},${phone},member${n}@example.test,"tag ${n % 20}; tag ${(n + 7) % 20}",${stage},${plan},${NOTE.repeat(1 + (n % 2))}\n`;
}

/** A CSV of about `megabytes` (or of `rows` rows), written to disk a chunk at a time, never held. */
async function writeCsv(file: string, limit: { rows?: number; megabytes?: number }): Promise<number> {
  const out = createWriteStream(file);
  out.write(HEADER);
  let bytes = HEADER.length;
  let n = 0;
  while (
    (limit.rows === undefined || n < limit.rows) &&
    (limit.megabytes === undefined || bytes < limit.megabytes * 1024 * 1024 - 1024)
  ) {
    const line = row(n++);
    bytes += line.length;
    if (!out.write(line)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return n;
}

const run = await startThrowawayStack({ seedDemo: false });
const { stack } = run;
const project = { supabaseUrl: stack.supabaseUrl, anonKey: stack.env.SUPABASE_ANON_KEY ?? "" };
const data = testData({
  supabaseUrl: stack.supabaseUrl,
  superuserUrl: stack.superuserUrl,
  anonKey: stack.env.SUPABASE_ANON_KEY ?? "",
  serviceRoleKey: stack.env.SUPABASE_SERVICE_ROLE_KEY ?? "",
});
const dir = await mkdtemp(path.join(tmpdir(), "frontdesk-bench-import-"));

try {
  const gym = await data.memberOfNewWorkspace("manager");
  await data.sql()`
    insert into public.contact_fields (workspace_id, key, label, type, options, position)
    values (${gym.workspaceId}, 'plan', 'Plan', 'select', '{Gold,Silver}', 1)`;
  const [field] = await data.sql()<
    { id: string }[]
  >`select id from public.contact_fields where workspace_id = ${gym.workspaceId}`;
  const mapping = {
    Name: "name",
    Mobile: "phone",
    Email: "email",
    Tags: "tags",
    Stage: "stage",
    Plan: `field:${field?.id}`,
    Notes: "notes",
  };

  /** Uploads the file as the manager, starts its import as they would, and waits for the report. */
  const importFile = async (file: string, name: string) => {
    const storedPath = contactImportPath(gym.workspaceId, crypto.randomUUID(), name);
    const started = performance.now();
    await uploadFile(project, gym.session.access_token, storedPath, file, "text/csv");
    const importId = await data.sql().begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: gym.user.id, role: "authenticated" })}, true)`;
      await tx`set local role authenticated`;
      const [started] = await tx<{ outcome: string; import_id: string }[]>`
        select * from app.start_contact_import(${gym.workspaceId}, ${storedPath}, ${name}, ${tx.json(mapping)}, 'GB', 'phone', 'create_or_update')`;
      if (started?.outcome !== "changed") throw new Error(`the import was refused: ${started?.outcome}`);
      return started.import_id;
    });
    for (;;) {
      const [status] = await data.sql()<
        { status: string; created: number; updated: number; failed: number; rows: number; error: string | null }[]
      >`
        select status, created, updated, failed, rows_done as rows, error from public.contact_imports where id = ${importId}`;
      if (status?.status === "done" || status?.status === "failed") return { ...status, ms: performance.now() - started };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  const small = path.join(dir, "members.csv");
  const rows = await writeCsv(small, { rows: ROWS });
  const first = await importFile(small, "members.csv");
  say(
    `${rows} rows (${((await stat(small)).size / 1024).toFixed(0)} KB): ${first.status} in ${(first.ms / 1000).toFixed(1)} s — ` +
      `${first.created} created, ${first.updated} updated, ${first.failed} refused`,
  );

  const big = path.join(dir, "everyone.csv");
  const bigRows = await writeCsv(big, { megabytes: BIG_MB });
  const workers = await processTree(run.workerPid());
  const before = await sumStatus(workers, "VmRSS");
  // The worker's resident memory sampled through the import (its tree: tsx and the node that runs the tasks).
  let peak = before;
  const sampling = setInterval(() => {
    void sumStatus(workers, "VmRSS").then((rss) => {
      peak = Math.max(peak, rss);
    });
  }, 100);
  const second = await importFile(big, "everyone.csv").finally(() => clearInterval(sampling));
  const mb = (bytes: number) => Math.round(bytes / (1024 * 1024));
  say(
    `${bigRows} rows (${mb((await stat(big)).size)} MB): ${second.status} in ${(second.ms / 1000).toFixed(1)} s — ` +
      `${second.created} created, ${second.updated} updated, ${second.failed} refused; worker ${mb(before)} MB before, peak ${mb(peak)} MB`,
  );
  const [count] = await data.sql()<
    { n: number }[]
  >`select count(*)::int as n from public.contacts where workspace_id = ${gym.workspaceId}`;
  const expected = bigRows - Math.floor((bigRows + 0) / 100);
  say(`contacts in the workspace: ${count?.n} (distinct valid phones expected: ${expected})`);
  say("targets: 10,000 rows in under 30 s; the worker under 300 MB while a 100 MB file streams");
  say(
    `import_10k_s=${(first.ms / 1000).toFixed(1)} import_failed_rows=${first.failed} big_file_mb=${mb((await stat(big)).size)} ` +
      `big_import_s=${(second.ms / 1000).toFixed(1)} worker_peak_mb=${mb(peak)}`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
  await run.stop();
}
