import { Link } from "@remix-run/react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { ContactSummary, PipelineStage } from "../api/types";
import { useTRPC } from "../trpc";
import { pagesFailureOf } from "../ui/failure-notice";
import { relativeTime } from "../ui/time";
import { StageOptions } from "./stage-options";
import { TagChip } from "./tag-chip";

/** A board column's page size and the input its cache entry is keyed by (the optimistic move writes the same key). */
export const BOARD_PAGE = 20;
export const columnInput = (workspaceId: string, stageId: string) =>
  ({ workspaceId, stageId, sort: "recent", limit: BOARD_PAGE }) as const;

/** One stage: its contacts, latest contact first, paged; cards drag out of it and drop into it. */
export function BoardColumn(props: {
  workspaceId: string;
  stage: PipelineStage;
  stages: PipelineStage[];
  count: number | undefined;
  onMove: (contactId: string, from: string, to: string) => void;
}) {
  const trpc = useTRPC();
  const [over, setOver] = useState(false);
  const column = useInfiniteQuery(
    trpc.contacts.list.infiniteQueryOptions(columnInput(props.workspaceId, props.stage.id), {
      getNextPageParam: (page) => (page.success ? (page.data.nextCursor ?? undefined) : undefined),
    }),
  );
  const cards = column.data?.pages.flatMap((page) => (page.success ? page.data.items : [])) ?? [];
  const failure = pagesFailureOf(column);
  return (
    <section
      aria-label={props.stage.name}
      data-testid="board-column"
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(event) => {
        event.preventDefault();
        setOver(false);
        const dragged = parseDragged(event.dataTransfer.getData("application/x-frontdesk-contact"));
        if (dragged && dragged.from !== props.stage.id) props.onMove(dragged.id, dragged.from, props.stage.id);
      }}
      className={`flex w-72 shrink-0 flex-col rounded-lg border bg-slate-50 ${over ? "border-indigo-500" : "border-slate-200"}`}
    >
      <h2 className="flex items-center justify-between px-3 py-2 text-sm font-semibold">
        {props.stage.name}
        <span className="text-xs font-normal text-slate-600">{props.count ?? ""}</span>
      </h2>
      <ul className="flex-1 space-y-2 overflow-y-auto px-2 pb-2">
        {column.isPending ? <li className="text-sm text-slate-600">Loading…</li> : null}
        {failure ? (
          <li role="alert" className="text-sm text-red-800">
            {failure}{" "}
            <button type="button" className="underline" onClick={() => void column.refetch()}>
              Retry
            </button>
          </li>
        ) : null}
        {!column.isPending && !failure && cards.length === 0 ? <li className="text-sm text-slate-600">Nobody here.</li> : null}
        {cards.map((contact) => (
          <BoardCard key={contact.id} contact={contact} stage={props.stage} stages={props.stages} onMove={props.onMove} />
        ))}
      </ul>
      {column.hasNextPage ? (
        <button
          type="button"
          onClick={() => void column.fetchNextPage()}
          className="m-2 rounded-md border border-slate-400 bg-white px-2 py-1 text-sm"
        >
          {column.isFetchingNextPage ? "Loading…" : "Show more"}
        </button>
      ) : null}
    </section>
  );
}

function BoardCard(props: {
  contact: ContactSummary;
  stage: PipelineStage;
  stages: PipelineStage[];
  onMove: (contactId: string, from: string, to: string) => void;
}) {
  const { contact } = props;
  const name = contact.displayName ?? contact.phone ?? contact.email ?? "Unknown member";
  return (
    <li
      draggable
      data-testid="board-card"
      onDragStart={(event) => {
        event.dataTransfer.setData("application/x-frontdesk-contact", JSON.stringify({ id: contact.id, from: props.stage.id }));
        event.dataTransfer.effectAllowed = "move";
      }}
      className="cursor-grab rounded-md border border-slate-200 bg-white p-2 text-sm shadow-sm"
    >
      <Link to={`/contacts/${contact.id}`} className="font-medium hover:underline">
        {name}
      </Link>
      <p className="text-xs text-slate-600">{contact.lastMessageAt ? relativeTime(contact.lastMessageAt) : "Never in touch"}</p>
      {contact.tags.length > 0 ? (
        <p className="mt-1 flex flex-wrap gap-1">
          {contact.tags.map((tag) => (
            <TagChip key={tag.id} tag={tag} />
          ))}
        </p>
      ) : null}
      {/* Dragging needs a pointer: the same move from the keyboard. */}
      <label className="mt-1 flex items-center gap-1 text-xs text-slate-700">
        Move to
        <select
          value={props.stage.id}
          onChange={(event) => props.onMove(contact.id, props.stage.id, event.target.value)}
          className="rounded border border-slate-300 px-1 py-0.5"
        >
          <StageOptions stages={props.stages} />
        </select>
      </label>
    </li>
  );
}

function parseDragged(data: string): { id: string; from: string } | null {
  try {
    const parsed = JSON.parse(data) as { id?: unknown; from?: unknown };
    return typeof parsed.id === "string" && typeof parsed.from === "string" ? { id: parsed.id, from: parsed.from } : null;
  } catch {
    return null;
  }
}
