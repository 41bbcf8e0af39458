import type { ChannelProvider } from "../../supabase/functions/_shared/channel-providers";
import type { FieldValue } from "../../supabase/functions/_shared/contact-taxonomy";
import type { Tx, UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import { type ContactSummary, summaryColumns, summaryJoins, summarySets } from "./contact-shape";
import { likePattern, phoneDigitsPattern } from "./search-patterns";
import { userTransaction } from "./user-transaction";
import { membershipIn } from "./workspace-membership";

export const CONTACT_SORTS = ["recent", "name", "newest"] as const;
export type ContactSort = (typeof CONTACT_SORTS)[number];

/** Which contacts: every filter given must hold. */
export interface ContactFilters {
  /** Name, phone, email or a channel handle. */
  search?: string;
  tagId?: string;
  /** A stage, or "none" for contacts outside the pipeline. */
  stageId?: string;
  provider?: ChannelProvider;
  /** Last message within (or not within) this many days. */
  lastContact?: { within: boolean; days: number };
  field?: { fieldId: string; value: FieldValue };
}

export interface ListContactsInput extends ContactFilters {
  workspaceId: string;
  sort: ContactSort;
  cursor?: string;
  limit: number;
}

export interface ContactPage {
  items: ContactSummary[];
  nextCursor: string | null;
}

/** Each order: its key, its direction and how a cursor's key is read back. */
const ORDERS = {
  recent: { key: "ct.last_message_at", matchKey: "m.last_message_at", descending: true, cast: "timestamptz" },
  newest: { key: "ct.created_at", matchKey: "m.created_at", descending: true, cast: "timestamptz" },
  name: { key: "lower(coalesce(ct.display_name, ''))", matchKey: "m.name_key", descending: false, cast: "text" },
} as const satisfies Record<ContactSort, { key: string; matchKey: string; descending: boolean; cast: string }>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Cursors carry the order they were made for, the row's key exactly as Postgres printed it, and its id. */
function encodeContactCursor(sort: ContactSort, key: string, id: string): string {
  return Buffer.from(JSON.stringify([sort, key, id])).toString("base64url");
}

function decodeContactCursor(cursor: string, sort: ContactSort): { key: string; id: string } | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!Array.isArray(value) || value.length !== 3) return null;
    const [madeFor, key, id] = value as unknown[];
    if (madeFor !== sort || typeof key !== "string" || key.length > 500 || typeof id !== "string" || !UUID.test(id)) return null;
    return { key, id };
  } catch {
    return null;
  }
}

/** The contacts a search term finds: by name, email, phone digits or a channel handle (app.search_contact_ids). */
const searchMatches = (tx: Tx, workspaceId: string, pattern: string, digits: string | null) =>
  tx`select * from app.search_contact_ids(${workspaceId}, ${pattern}, ${digits})`;

/**
 * How many contacts a search walks in the order before it looks the term up by its indexes instead: enough to fill
 * a page when one contact in ~40 matches (a first name, a surname, a dialling code), little when the term is rare.
 */
const SEARCH_WALK = 2000;

/**
 * The CTEs that end in `page (id, sort_key)`: the next `limit` contacts matching the filters in the order, after the
 * cursor. Without a search, a keyset walk of the order's index. With one, the same walk checks each contact against
 * the term for up to SEARCH_WALK contacts: a common term fills the page early, in a few milliseconds. When it does
 * not, the term is rare, and its matches are looked up by their trigram indexes (app.search_contact_ids) and only
 * they are sorted; sorting a common term's thousands of matches is what the walk avoids.
 */
export function contactPage(
  tx: Tx,
  workspaceId: string,
  filters: ContactFilters,
  sort: ContactSort,
  cursor: { key: string; id: string } | null,
  limit: number,
) {
  const order = ORDERS[sort];
  const key = tx.unsafe(order.key);
  const direction = tx.unsafe(order.descending ? "desc" : "asc");
  const beyond = tx.unsafe(order.descending ? "<" : ">");
  const cast = tx.unsafe(order.cast);
  const after = (row: ReturnType<Tx["unsafe"]>, rowKey: ReturnType<Tx["unsafe"]>) =>
    cursor ? tx`(${rowKey}, ${row}.id) ${beyond} (${cursor.key}::${cast}, ${cursor.id}::uuid)` : tx`true`;
  const term = filters.search?.trim();
  if (!term) {
    return tx`
      page as materialized (
        select ct.id, ${key}::text as sort_key from public.contacts ct
        where ct.workspace_id = ${workspaceId} ${filterClauses(tx, filters)} and ${after(tx.unsafe("ct"), key)}
        order by ${key} ${direction}, ct.id ${direction}
        limit ${limit})`;
  }
  const pattern = likePattern(term);
  const digits = phoneDigitsPattern(term);
  return tx`
    handle_matches as materialized (select contact_id from app.contact_ids_by_handle(${workspaceId}, ${pattern})),
    walked as materialized (
      select ct.id, ${key} as k,
             (ct.display_name ilike ${pattern} or ct.email ilike ${pattern}
              ${digits ? tx`or ct.phone_digits like ${digits}` : tx``}
              or ct.id in (select contact_id from handle_matches)) as hit
      from public.contacts ct
      where ct.workspace_id = ${workspaceId} ${filterClauses(tx, filters)} and ${after(tx.unsafe("ct"), key)}
      order by ${key} ${direction}, ct.id ${direction}
      limit ${SEARCH_WALK}),
    walk_page as materialized (
      select w.id, w.k from walked w where w.hit order by w.k ${direction}, w.id ${direction} limit ${limit}),
    walk_suffices as materialized (
      select case when (select count(*) from walk_page) = ${limit} then true
                  else (select count(*) from walked) < ${SEARCH_WALK} end as yes),
    matches as materialized (${searchMatches(tx, workspaceId, pattern, digits)}),
    keyed as materialized (${
      hasFilters(filters)
        ? tx`select ct.id, ${key} as k from matches m join public.contacts ct on ct.id = m.id
             where ct.workspace_id = ${workspaceId} ${filterClauses(tx, filters)}`
        : tx`select m.id, ${tx.unsafe(order.matchKey)} as k from matches m`
    }),
    page as materialized (
      select w.id, w.k::text as sort_key from walk_page w where (select yes from walk_suffices)
      union all
      (select k.id, k.k::text as sort_key from keyed k
       where not (select yes from walk_suffices) and ${after(tx.unsafe("k"), tx.unsafe("k.k"))}
       order by k.k ${direction}, k.id ${direction}
       limit ${limit}))`;
}

/** Whether any filter other than search is set (a search alone sorts its matches without reading contacts again). */
const hasFilters = (filters: ContactFilters) =>
  Boolean(filters.tagId || filters.stageId || filters.provider || filters.lastContact || filters.field);

/** The filters other than search as SQL over contacts `ct` of the workspace. */
function filterClauses(tx: Tx, filters: Omit<ContactFilters, "search">) {
  return tx`
    ${
      filters.tagId
        ? tx`and exists (select 1 from public.contact_tags ctg where ctg.contact_id = ct.id and ctg.tag_id = ${filters.tagId})`
        : tx``
    }
    ${
      filters.stageId === "none" ? tx`and ct.stage_id is null` : filters.stageId ? tx`and ct.stage_id = ${filters.stageId}` : tx``
    }
    ${
      filters.provider
        ? tx`and exists (select 1 from public.contact_identities ci join public.channel_accounts ca on ca.id = ci.channel_account_id
                         where ci.contact_id = ct.id and ca.provider = ${filters.provider})`
        : tx``
    }
    ${
      filters.lastContact
        ? filters.lastContact.within
          ? tx`and ct.last_message_at >= now() - make_interval(days => ${filters.lastContact.days})`
          : tx`and ct.last_message_at < now() - make_interval(days => ${filters.lastContact.days})`
        : tx``
    }
    ${
      filters.field
        ? tx`and ct.custom_fields @> jsonb_build_object(${filters.field.fieldId}::text, ${tx.json(filters.field.value)}::jsonb)`
        : tx``
    }`;
}

/** A page of the workspace's contacts matching the filters, in the chosen order (a keyset walk of its index). */
export function listContacts(claims: UserClaims, input: ListContactsInput, log: Logger): Promise<Result<ContactPage>> {
  return userTransaction(claims, log, "contacts.list", async (tx) => {
    const cursor = input.cursor ? decodeContactCursor(input.cursor, input.sort) : null;
    if (input.cursor && !cursor) {
      return fail("VALIDATION", "This list is out of date. Reload it.", {
        details: { fieldErrors: { cursor: ["Invalid cursor"] } },
      });
    }
    if (!(await membershipIn(tx, input.workspaceId))) return fail("NOT_FOUND", "Workspace not found.");
    const order = ORDERS[input.sort];
    const key = tx.unsafe(order.key);
    const direction = tx.unsafe(order.descending ? "desc" : "asc");
    const rows = await tx<(ContactSummary & { sortKey: string })[]>`
      with ${contactPage(tx, input.workspaceId, input, input.sort, cursor, input.limit + 1)}, ${summarySets(tx, tx`page`)}
      select ${summaryColumns(tx)}, page.sort_key as "sortKey"
      from page join public.contacts ct on ct.id = page.id ${summaryJoins(tx)}
      order by ${key} ${direction}, ct.id ${direction}`;
    const items = rows.slice(0, input.limit);
    const last = items.at(-1);
    return ok({
      items: items.map(({ sortKey: _, ...summary }) => summary),
      nextCursor: rows.length > input.limit && last ? encodeContactCursor(input.sort, last.sortKey, last.id) : null,
    });
  });
}

/** How many of the workspace's contacts are in each stage (null: outside the pipeline). */
export function stageCounts(
  claims: UserClaims,
  workspaceId: string,
  log: Logger,
): Promise<Result<{ stageId: string | null; count: number }[]>> {
  return userTransaction(claims, log, "contacts.stage_counts", async (tx) => {
    if (!(await membershipIn(tx, workspaceId))) return fail("NOT_FOUND", "Workspace not found.");
    const rows = await tx<{ stageId: string | null; count: number }[]>`
      select ct.stage_id as "stageId", count(*)::int as count from public.contacts ct
      where ct.workspace_id = ${workspaceId} group by ct.stage_id`;
    return ok([...rows]);
  });
}
