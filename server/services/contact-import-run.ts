import { Transform } from "node:stream";
import { parse } from "csv-parse";
import type { CountryCode } from "libphonenumber-js";
import { asService } from "../db/client";
import { describeError, type Logger } from "../lib/logger";
import { getAttachment } from "./attachment-storage";
import { importContext } from "./contact-import";
import { checkImportRow, type ImportRow, type ImportTarget } from "./contact-import-rows";

/** Rows per transaction: big enough to be quick, small enough that a retry redoes little. */
const IMPORT_BATCH_ROWS = 500;

interface ImportJob {
  workspaceId: string;
  filePath: string;
  mapping: Record<string, ImportTarget>;
  defaultCountry: CountryCode | null;
  matchOn: "phone" | "email";
  status: string;
  rowsDone: number;
}

/** Counts the bytes that pass, for the import's progress. */
function byteCounter() {
  let total = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      total += chunk.length;
      done(null, chunk);
    },
  });
  return { stream, read: () => total };
}

/**
 * Runs one contact import (the `import-contacts` job): streams the CSV from Storage through the parser, checks each
 * row, and applies them a batch at a time (app.import_contact_rows), carrying on after the last batch a previous
 * attempt committed. Memory stays one batch whatever the file's size. Lasting problems (the file gone, not CSV) end
 * the import as failed; anything else is thrown for the queue to retry, and on the last attempt ends it too.
 */
export async function runContactImport(importId: string, attempt: { number: number; last: boolean }, log: Logger): Promise<void> {
  const [job] = await asService(
    (tx) => tx<ImportJob[]>`
    select workspace_id as "workspaceId", file_path as "filePath", mapping, default_country as "defaultCountry",
           match_on as "matchOn", status, rows_done as "rowsDone"
    from public.contact_imports where id = ${importId}`,
  );
  if (!job || job.status === "done" || job.status === "failed") return;
  const finish = (problem: string | null) => asService((tx) => tx`select app.finish_contact_import(${importId}, ${problem})`);
  try {
    const context = await asService((tx) => importContext(tx, job.workspaceId, job));
    const stored = await getAttachment(job.filePath);
    if (!stored) {
      await finish("The file is no longer in Storage. Upload it again.");
      return;
    }
    const counted = byteCounter();
    const parser = stored.bytes.pipe(counted.stream).pipe(
      parse({
        bom: true,
        columns: (header: string[]) => header.map((h) => h.trim()),
        skip_empty_lines: true,
        relax_column_count: true,
        relax_quotes: true,
      }),
    );
    let batch: ImportRow[] = [];
    let bytesAtLastBatch = 0;
    let n = 1;
    const flush = async () => {
      if (batch.length === 0) return;
      const first = batch[0]?.n ?? 0;
      const bytes = counted.read() - bytesAtLastBatch;
      bytesAtLastBatch = counted.read();
      const rows = batch;
      batch = [];
      await asService((tx) => tx`select app.import_contact_rows(${importId}, ${first}, ${tx.json(rows as never)}, ${bytes})`);
    };
    for await (const record of parser as AsyncIterable<Record<string, string>>) {
      n += 1;
      if (n <= job.rowsDone) continue;
      batch.push(checkImportRow(record, n, context));
      if (batch.length >= IMPORT_BATCH_ROWS) await flush();
    }
    await flush();
    await finish(null);
    log.info("contacts.import_done", { importId, attempt: attempt.number });
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    if (code.startsWith("CSV_")) {
      await finish(`This is not a CSV file Frontdesk can read: ${(error as Error).message}`);
      return;
    }
    log.warn("contacts.import_attempt_failed", { importId, attempt: attempt.number, ...describeError(error) });
    if (attempt.last)
      await finish("The import stopped before the end. The rows before it are imported; start it again for the rest.");
    throw error;
  }
}
