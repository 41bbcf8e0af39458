import { stringify } from "csv-stringify/sync";
import { fieldValueText } from "../../supabase/functions/_shared/contact-taxonomy";
import type { UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { ok, type Result } from "../lib/result";
import type { ContactField } from "./contact-fields";
import { type ContactFilters, contactPage } from "./contact-list";
import { userTransaction } from "./user-transaction";

/** Contacts per query while exporting: the export streams page by page, whatever the count. */
const EXPORT_PAGE = 1_000;

interface ExportRow {
  id: string;
  displayName: string | null;
  phone: string | null;
  email: string | null;
  stage: string | null;
  tags: string[];
  providers: string[];
  notes: string;
  customFields: Record<string, string | number | boolean>;
  lastMessageAt: Date | null;
  createdAt: Date;
  sortKey: string;
}

/**
 * A spreadsheet runs a cell that starts with = + - @ as a formula: such a value is written as text ('…), except a
 * plain number such as an E.164 phone, which a spreadsheet only reads as that number.
 */
const cell = (value: string) => (/^[=+\-@\t\r]/.test(value) && !/^[+-]?\d+$/.test(value) ? `'${value}` : value);

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
            with ${contactPage(tx, workspaceId, filters, "newest", cursor, EXPORT_PAGE)}
            select ct.id, ct.display_name as "displayName", ct.phone, ct.email, ct.notes, ct.custom_fields as "customFields",
                   (select s.name from public.pipeline_stages s where s.id = ct.stage_id) as stage,
                   array(select t.name from public.contact_tags ctg join public.tags t on t.id = ctg.tag_id
                         where ctg.contact_id = ct.id order by lower(t.name)) as tags,
                   array(select distinct ca.provider::text from public.contact_identities ci
                         join public.channel_accounts ca on ca.id = ci.channel_account_id where ci.contact_id = ct.id order by 1) as providers,
                   nullif(ct.last_message_at, '-infinity') as "lastMessageAt", ct.created_at as "createdAt",
                   page.sort_key as "sortKey"
            from page join public.contacts ct on ct.id = page.id
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
          row.stage ?? "",
          row.tags.join("; "),
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
