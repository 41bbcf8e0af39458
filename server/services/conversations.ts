import type { ChannelProvider, ChannelStatus } from "../../supabase/functions/_shared/channel-providers";
import type { Tx, UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import { TEXT_LIMITS } from "../meta/graph-client";
import { messagingWindow } from "../meta/messaging-window";
import type { ConversationListItem, ConversationPage, ConversationStatus, ConversationSummary } from "./conversation-shape";
import { decodeCursor, encodeCursor } from "./keyset-cursor";
import { likePattern, phoneDigitsPattern } from "./search-patterns";
import { snippetAround } from "./search-snippet";
import { userTransaction } from "./user-transaction";
import { membershipIn } from "./workspace-membership";

export type AssigneeFilter = { kind: "me" } | { kind: "unassigned" } | { kind: "anyone" } | { kind: "user"; userId: string };

export interface ListConversationsInput {
  workspaceId: string;
  channelAccountId?: string;
  status?: ConversationStatus;
  /** "any": archived and not (what a search covers). */
  archived: boolean | "any";
  assignee: AssigneeFilter;
  unreadOnly: boolean;
  search?: string;
  cursor?: string;
  limit: number;
}

interface SummaryRow {
  id: string;
  workspace_id: string;
  status: ConversationStatus;
  archived_at: Date | null;
  unread_count: number;
  last_message_at: Date;
  cursor_at: string;
  last_inbound_at: Date | null;
  last_message_preview: string | null;
  window_closed_at: Date | null;
  failed_sends: number;
  assignee_id: string | null;
  assignee_name: string | null;
  assignee_email: string | null;
  contact_id: string;
  contact_name: string | null;
  avatar_url: string | null;
  phone: string | null;
  handle: string | null;
  channel_id: string;
  provider: ChannelProvider;
  channel_name: string;
  channel_status: ChannelStatus;
  human_agent_enabled: boolean;
}

/**
 * Columns every conversation answer carries; joined rows are each checked by their own RLS policy.
 * With a workspace id the team is looked up once for the whole page instead of once per row.
 */
function summarySelect(tx: Tx, workspaceId?: string) {
  return tx`
    select c.id, c.workspace_id, c.status, c.archived_at, c.unread_count, c.last_message_at,
           c.last_message_at::text as cursor_at, c.last_inbound_at, c.last_message_preview, c.window_closed_at, c.failed_sends, c.assignee_id,
           t.full_name as assignee_name, t.email as assignee_email,
           ct.id as contact_id, coalesce(ct.display_name, ci.profile_name) as contact_name, ct.avatar_url, ct.phone, ci.handle,
           ca.id as channel_id, ca.provider, ca.display_name as channel_name, ca.status as channel_status,
           w.human_agent_enabled
    from public.conversations c
    join public.workspaces w on w.id = c.workspace_id
    join public.contacts ct on ct.id = c.contact_id
    join public.contact_identities ci on ci.id = c.contact_identity_id
    join public.channel_accounts ca on ca.id = c.channel_account_id
    left join app.team_members(${workspaceId ? tx`${workspaceId}::uuid` : tx`c.workspace_id`}) t on t.user_id = c.assignee_id`;
}

function toSummary(row: SummaryRow, now: Date): ConversationSummary {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    status: row.status,
    archivedAt: row.archived_at,
    unreadCount: row.unread_count,
    lastMessageAt: row.last_message_at,
    lastInboundAt: row.last_inbound_at,
    windowClosedAt: row.window_closed_at,
    failedSends: row.failed_sends,
    preview: row.last_message_preview,
    assignee: row.assignee_id ? { id: row.assignee_id, name: row.assignee_name, email: row.assignee_email } : null,
    contact: {
      id: row.contact_id,
      displayName: row.contact_name,
      avatarUrl: row.avatar_url,
      phone: row.phone,
      handle: row.handle,
    },
    channel: {
      id: row.channel_id,
      provider: row.provider,
      displayName: row.channel_name,
      status: row.channel_status,
      textLimit: TEXT_LIMITS[row.provider],
    },
    window: messagingWindow(
      {
        provider: row.provider,
        lastInboundAt: row.last_inbound_at,
        humanAgentEnabled: row.human_agent_enabled,
        refusedAt: row.window_closed_at,
      },
      now,
    ),
  };
}

/** Trigram indexes need three characters; shorter terms search names, phones and handles only. */
const MESSAGE_SEARCH_MIN_LENGTH = 3;

export function listConversations(
  claims: UserClaims,
  input: ListConversationsInput,
  log: Logger,
): Promise<Result<ConversationPage>> {
  return userTransaction(claims, log, "conversations.list", async (tx) => {
    const cursor = input.cursor ? decodeCursor(input.cursor) : null;
    if (input.cursor && !cursor) {
      return fail("VALIDATION", "This list is out of date. Reload it.", {
        details: { fieldErrors: { cursor: ["Invalid cursor"] } },
      });
    }
    if (!(await membershipIn(tx, input.workspaceId))) return fail("NOT_FOUND", "Workspace not found.");

    const workspace = input.workspaceId;
    const assignee =
      input.assignee.kind === "me"
        ? tx`and c.assignee_id = ${claims.sub}`
        : input.assignee.kind === "unassigned"
          ? tx`and c.assignee_id is null`
          : input.assignee.kind === "user"
            ? tx`and c.assignee_id = ${input.assignee.userId}`
            : tx``;
    const term = input.search?.trim();
    const searchesMessages = Boolean(term && term.length >= MESSAGE_SEARCH_MIN_LENGTH);
    const archived =
      input.archived === "any" ? tx`` : input.archived ? tx`and c.archived_at is not null` : tx`and c.archived_at is null`;

    // Pick the page first, then join its details: a broad search must not join every match.
    const pageIds = term
      ? tx`
        select s.id from app.search_conversation_page(
          ${workspace}, ${likePattern(term)}, ${searchesMessages}, ${phoneDigitsPattern(term)},
          ${input.archived === "any" ? "any" : input.archived ? "yes" : "no"}, ${input.status ?? null}, ${input.channelAccountId ?? null},
          ${input.assignee.kind === "me" || input.assignee.kind === "user" ? "user" : input.assignee.kind},
          ${input.assignee.kind === "me" ? claims.sub : input.assignee.kind === "user" ? input.assignee.userId : null},
          ${input.unreadOnly}, ${cursor?.at ?? null}, ${cursor?.id ?? null}, ${input.limit + 1}) s`
      : tx`
        select c.id from public.conversations c
        where c.workspace_id = ${workspace}
          ${archived}
          ${input.status ? tx`and c.status = ${input.status}` : tx``}
          ${input.channelAccountId ? tx`and c.channel_account_id = ${input.channelAccountId}` : tx``}
          ${assignee}
          ${input.unreadOnly ? tx`and c.unread_count > 0` : tx``}
          ${cursor ? tx`and (c.last_message_at, c.id) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)` : tx``}
        order by c.last_message_at desc, c.id desc
        limit ${input.limit + 1}`;
    const rows = await tx<SummaryRow[]>`
      with page as materialized (${pageIds})
      ${summarySelect(tx, workspace)}
      where c.id in (select id from page)
      order by c.last_message_at desc, c.id desc`;

    const now = new Date();
    const page = rows.slice(0, input.limit);
    const matches =
      term && searchesMessages
        ? await newestMatches(
            tx,
            page.map((row) => row.id),
            term,
          )
        : new Map();
    const last = page.at(-1);
    return ok({
      items: page.map((row) => ({ ...toSummary(row, now), match: matches.get(row.id) ?? null })),
      nextCursor: rows.length > input.limit && last ? encodeCursor({ at: last.cursor_at, id: last.id }) : null,
    });
  });
}

/** Each conversation's newest message that contains the term, as a snippet around it. */
async function newestMatches(
  tx: Tx,
  conversationIds: string[],
  term: string,
): Promise<Map<string, ConversationListItem["match"]>> {
  if (conversationIds.length === 0) return new Map();
  const rows = await tx<{ conversation_id: string; id: string; text: string; created_at: Date }[]>`
    select page.id as conversation_id, hit.id, hit.text, hit.created_at
    from unnest(${conversationIds}::uuid[]) as page (id)
    cross join lateral (
      select m.id, m.text, m.created_at from public.messages m
      where m.conversation_id = page.id and m.deleted_at is null and m.text ilike ${likePattern(term)}
      order by m.created_at desc, m.id desc
      limit 1
    ) hit`;
  return new Map(
    rows.map((row) => [row.conversation_id, { messageId: row.id, snippet: snippetAround(row.text, term), at: row.created_at }]),
  );
}

/** Counting stops here: a header badge says "999+" rather than count a huge backlog on every change. */
const UNREAD_COUNT_CAP = 999;

/** How many conversations in the inbox (not archived) have messages nobody has read, up to UNREAD_COUNT_CAP + 1. */
export function countUnreadConversations(claims: UserClaims, workspaceId: string, log: Logger): Promise<Result<number>> {
  return userTransaction(claims, log, "conversations.unread_total", async (tx) => {
    if (!(await membershipIn(tx, workspaceId))) return fail("NOT_FOUND", "Workspace not found.");
    const [row] = await tx<{ n: number }[]>`
      select count(*)::int as n from (
        select 1 from public.conversations c
        where c.workspace_id = ${workspaceId} and c.unread_count > 0 and c.archived_at is null
        limit ${UNREAD_COUNT_CAP + 1}
      ) unread`;
    return ok(row?.n ?? 0);
  });
}

export async function loadSummary(tx: Tx, conversationId: string): Promise<ConversationSummary | null> {
  const [row] = await tx<SummaryRow[]>`${summarySelect(tx)} where c.id = ${conversationId}`;
  return row ? toSummary(row, new Date()) : null;
}

const conversationNotFound = () => fail("NOT_FOUND", "Conversation not found.");

export function getConversation(claims: UserClaims, conversationId: string, log: Logger): Promise<Result<ConversationSummary>> {
  return userTransaction(claims, log, "conversations.get", async (tx) => {
    const summary = await loadSummary(tx, conversationId);
    return summary ? ok(summary) : conversationNotFound();
  });
}

/** What a conversation function in SQL (supabase/migrations/…_role_rules_in_sql.sql) answers. */
type ChangeOutcome = "changed" | "unchanged" | "not_found" | "forbidden" | "invalid";

/**
 * Shared shape of every conversation change: the SQL function checks the role, writes and audits (only
 * when something changed); the answer is the fresh summary or the failure the outcome means.
 */
function changeConversation(
  claims: UserClaims,
  log: Logger,
  operation: string,
  conversationId: string,
  change: (tx: Tx) => Promise<ChangeOutcome>,
  refusals: { forbidden?: string; invalid?: Result<never> } = {},
): Promise<Result<ConversationSummary>> {
  return userTransaction(claims, log, operation, async (tx) => {
    const outcome = await change(tx);
    if (outcome === "not_found") return conversationNotFound();
    if (outcome === "forbidden") return fail("FORBIDDEN", refusals.forbidden ?? "Your role cannot change this conversation.");
    if (outcome === "invalid") return refusals.invalid ?? fail("VALIDATION", "That change is not valid.");
    const summary = await loadSummary(tx, conversationId);
    return summary ? ok(summary) : conversationNotFound();
  });
}

async function outcomeOf(rows: Promise<{ outcome: ChangeOutcome }[]>): Promise<ChangeOutcome> {
  const [row] = await rows;
  return row?.outcome ?? "not_found";
}

export function markConversationRead(claims: UserClaims, conversationId: string, log: Logger) {
  return changeConversation(claims, log, "conversations.markRead", conversationId, (tx) =>
    outcomeOf(tx`select app.mark_conversation_read(${conversationId}) as outcome`),
  );
}

export function assignConversation(claims: UserClaims, conversationId: string, assigneeId: string | null, log: Logger) {
  return changeConversation(
    claims,
    log,
    "conversations.assign",
    conversationId,
    (tx) => outcomeOf(tx`select app.assign_conversation(${conversationId}, ${assigneeId}::uuid) as outcome`),
    {
      forbidden: "Agents can take unassigned conversations and drop their own; ask a manager to reassign.",
      invalid: fail("VALIDATION", "That person is not on this workspace's team.", {
        details: { fieldErrors: { assigneeId: ["Not a member of this workspace"] } },
      }),
    },
  );
}

export function setConversationStatus(claims: UserClaims, conversationId: string, status: ConversationStatus, log: Logger) {
  return changeConversation(
    claims,
    log,
    "conversations.setStatus",
    conversationId,
    (tx) => outcomeOf(tx`select app.set_conversation_status(${conversationId}, ${status}) as outcome`),
    { forbidden: "Only managers and admins reopen a resolved conversation that is assigned to someone else." },
  );
}

export function setConversationArchived(claims: UserClaims, conversationId: string, archived: boolean, log: Logger) {
  const operation = archived ? "conversations.archive" : "conversations.unarchive";
  return changeConversation(claims, log, operation, conversationId, (tx) =>
    outcomeOf(tx`select app.set_conversation_archived(${conversationId}, ${archived}) as outcome`),
  );
}
