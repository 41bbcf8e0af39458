import { stringify } from "csv-stringify/sync";
import { type FieldValue, fieldValueText } from "../../supabase/functions/_shared/contact-taxonomy";
import type { UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { ok, type Result } from "../lib/result";
import type { ContactField } from "./contact-fields";
import { type ContactFilters, contactPage } from "./contact-list";
import { type ContactSummary, summaryColumns, summaryJoins, summarySets } from "./contact-shape";
import { spreadsheetCell as cell } from "./spreadsheet-cell";
import { userTransaction } from "./user-transaction";

/** Contacts per query while exporting: the export streams page by page, whatever the count. */
const EXPORT_PAGE = 1_000;

interface ExportRow extends ContactSummary {
  notes: string;
  customFields: Record<string, FieldValue>;
  sortKey: string;
}

/**
 * The contacts matching the filters as CSV, in the columns an import reads back (Name, Phone, Email, Stage, Tags
 * separated by ;, Notes, each custom field by label) plus Channels, Last contact and Created; yielded a page at a
 * time, each page its own transaction as the member (RLS applies). `columns` are the workspace's fields, as the caller
 * read them when it checked the member may see the workspace.
 */
export async function* exportContacts(
  claims: UserClaims,
  workspaceId: string,
  columns: ContactField[],
  filters: ContactFilters,
  log: Logger,
): AsyncGenerator<string> {
  const header = [
    "Name",
    "Phone",
    "Email",
    "Stage",
    "Tags",
    "Notes",
    ...columns.map((f) => f.label),
    "Channels",
    "Last contact",
    "Created",
  ];
  yield stringify([header]);
  let after = null as { key: string; id: string } | null;
  for (;;) {
    const cursor: { key: string; id: string } | null = after;
    const page: Result<ExportRow[]> = await userTransaction(claims, log, "contacts.export", async (tx) => {
      return ok([
        ...(await tx<ExportRow[]>`
            with ${contactPage(tx, workspaceId, filters, "newest", cursor, EXPORT_PAGE)}, ${summarySets(tx, tx`page`)}
            select ${summaryColumns(tx)}, ct.notes, ct.custom_fields as "customFields", page.sort_key as "sortKey"
            from page join public.contacts ct on ct.id = page.id ${summaryJoins(tx)}
            order by ct.created_at desc, ct.id desc`),
      ]);
    });
    if (!page.success) throw new Error(page.error.message);
    if (page.data.length === 0) return;
    yield stringify(
      page.data.map((row) =>
        [
          row.displayName ?? "",
          row.phone ?? "",
          row.email ?? "",
          row.stage?.name ?? "",
          row.tags.map((tag) => tag.name).join("; "),
          row.notes,
          ...columns.map((f) => fieldValueText(f.type, row.customFields[f.id])),
          row.providers.join("; "),
          row.lastMessageAt?.toISOString() ?? "",
          row.createdAt.toISOString(),
        ].map(cell),
      ),
    );
    const last = page.data.at(-1);
    if (!last || page.data.length < EXPORT_PAGE) return;
    after = { key: last.sortKey, id: last.id };
  }
}
