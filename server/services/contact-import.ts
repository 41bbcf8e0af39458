import { parse } from "csv-parse/sync";
import type { CountryCode } from "libphonenumber-js";
import type { Tx, UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, fieldFailure, ok, type Result } from "../lib/result";
import { getAttachment } from "./attachment-storage";
import { fieldsOf } from "./contact-fields";
import { checkImportRow, guessTarget, type ImportContext, type ImportRow, type ImportTarget } from "./contact-import-rows";
import { userTransaction } from "./user-transaction";
import { membershipIn } from "./workspace-membership";

/** How much of a file the preview reads: the header and the first rows. */
const PREVIEW_BYTES = 256 * 1024;
const PREVIEW_ROWS = 20;

export interface ImportSettings {
  mapping: Record<string, ImportTarget>;
  defaultCountry: CountryCode | null;
  matchOn: "phone" | "email";
}

export interface ImportPreview {
  columns: string[];
  /** The first guess at each column's target (null: ignored). */
  suggested: Record<string, ImportTarget | null>;
  /** The first rows as the import would take them, with their problems. */
  rows: (ImportRow & { values: Record<string, string> })[];
}

export interface ContactImport {
  id: string;
  fileName: string;
  status: "queued" | "running" | "done" | "failed";
  rowsDone: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  /** Of the file, read so far (0–1). */
  progress: number;
  error: string | null;
  failures: { rowNumber: number; problems: string[] }[];
  createdAt: Date;
  finishedAt: Date | null;
}

const onlyManagers = () => fail("FORBIDDEN", "Only managers and admins import contacts.");

/** The workspace's fields and stages as an import checks rows against them. */
export async function importContext(tx: Tx, workspaceId: string, settings: ImportSettings): Promise<ImportContext> {
  const fields = await fieldsOf(tx, workspaceId);
  const stages = await tx<{ id: string; name: string }[]>`
    select s.id, s.name from public.pipeline_stages s where s.workspace_id = ${workspaceId}`;
  return { ...settings, fields, stages: new Map(stages.map((s) => [s.name.toLowerCase(), s.id])) };
}

/** The first bytes of a stored file, cut after its last complete line. */
async function headOf(path: string): Promise<string | null> {
  const stored = await getAttachment(path);
  if (!stored) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stored.bytes as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= PREVIEW_BYTES) break;
  }
  stored.bytes.destroy();
  const text = Buffer.concat(chunks).subarray(0, PREVIEW_BYTES).toString("utf8");
  return size >= PREVIEW_BYTES ? text.slice(0, text.lastIndexOf("\n") + 1) : text;
}

/**
 * An uploaded CSV's columns, a guess at where each goes, and its first rows checked as the import would check them
 * (managers and admins; the file must be in the workspace's imports folder).
 */
export async function previewImport(
  claims: UserClaims,
  input: { workspaceId: string; storedPath: string; settings: ImportSettings | null },
  log: Logger,
): Promise<Result<ImportPreview>> {
  const allowed = await userTransaction(claims, log, "contacts.import_preview", async (tx) => {
    const membership = await membershipIn(tx, input.workspaceId);
    if (!membership) return fail("NOT_FOUND", "Workspace not found.");
    return membership.role === "agent" ? onlyManagers() : ok(true);
  });
  if (!allowed.success) return allowed;
  if (!input.storedPath.startsWith(`${input.workspaceId}/imports/`)) return fieldFailure("storedPath", "Upload the file again.");
  // Storage is read outside any transaction: a slow answer holds no connection.
  const head = await headOf(input.storedPath);
  if (head === null) return fieldFailure("storedPath", "The upload did not finish. Upload the file again.");
  let records: string[][];
  try {
    records = parse(head, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      relax_quotes: true,
      to: PREVIEW_ROWS + 1,
    });
  } catch (error) {
    return fieldFailure("storedPath", `This is not a CSV file Frontdesk can read: ${(error as Error).message}`);
  }
  const [header, ...body] = records;
  if (!header || header.length === 0) return fieldFailure("storedPath", "The file is empty.");
  const columns = header.map((column) => column.trim());
  const settings = input.settings ?? { mapping: {}, defaultCountry: null, matchOn: "phone" as const };
  return userTransaction(claims, log, "contacts.import_preview", async (tx) => {
    const context = await importContext(tx, input.workspaceId, settings);
    const suggested = Object.fromEntries(columns.map((column) => [column, guessTarget(column, context.fields)]));
    const rows = body.map((cells, index) => {
      const values = Object.fromEntries(columns.map((column, i) => [column, cells[i] ?? ""]));
      return { ...(input.settings ? checkImportRow(values, index + 2, context) : { n: index + 2 }), values };
    });
    return ok({ columns, suggested, rows });
  });
}

/** Starts importing an uploaded CSV with this mapping (app.start_contact_import: a row and its worker job). */
export function startImport(
  claims: UserClaims,
  input: {
    workspaceId: string;
    storedPath: string;
    fileName: string;
    mode: "create_or_update" | "create_only" | "update_only";
  } & ImportSettings,
  log: Logger,
): Promise<Result<{ importId: string }>> {
  return userTransaction(claims, log, "contacts.import_start", async (tx) => {
    const [row] = await tx<{ outcome: string; importId: string | null }[]>`
      select outcome, import_id as "importId"
      from app.start_contact_import(${input.workspaceId}, ${input.storedPath}, ${input.fileName}, ${tx.json(input.mapping)},
                                    ${input.defaultCountry}, ${input.matchOn}, ${input.mode})`;
    switch (row?.outcome) {
      case "changed":
        return ok({ importId: row.importId ?? "" });
      case "forbidden":
        return onlyManagers();
      case "no_file":
        return fieldFailure("storedPath", "The upload did not finish. Upload the file again.");
      case "invalid":
        return fieldFailure(
          "mapping",
          `Map a column to ${input.matchOn === "phone" ? "Phone" : "Email"}: contacts are matched on it.`,
        );
      default:
        return fail("NOT_FOUND", "Workspace not found.");
    }
  });
}

/** An import's progress and its validation report (the first 1,000 refused rows). */
export function importStatus(claims: UserClaims, importId: string, log: Logger): Promise<Result<ContactImport>> {
  return userTransaction(claims, log, "contacts.import_status", async (tx) => {
    const [row] = await tx<ContactImport[]>`
      select i.id, i.file_name as "fileName", i.status, i.rows_done as "rowsDone", i.created, i.updated, i.skipped, i.failed,
             case when coalesce(i.bytes_total, 0) = 0 then 0 else least(1, i.bytes_done::float / i.bytes_total) end as progress,
             i.error, i.created_at as "createdAt", i.finished_at as "finishedAt",
             coalesce((select jsonb_agg(jsonb_build_object('rowNumber', f.row_number, 'problems', f.problems) order by f.row_number)
                       from public.contact_import_failures f where f.import_id = i.id), '[]') as failures
      from public.contact_imports i where i.id = ${importId}`;
    return row ? ok(row) : fail("NOT_FOUND", "This import does not exist.");
  });
}
