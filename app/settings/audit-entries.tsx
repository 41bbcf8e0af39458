import { Link } from "@remix-run/react";
import type { AuditPage } from "../api/types";
import { ACTION_LABELS, detailOf } from "./audit-actions";

type Entry = AuditPage["items"][number];

/** The audit log's rows: when, who, what, and (for a conversation) a link to it. */
export function AuditEntries({ entries, nameOf }: { entries: Entry[]; nameOf: (userId: string | null) => string | null }) {
  return (
    <ol className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
      {entries.map((entry) => {
        const detail = detailOf(entry, nameOf);
        const who = entry.actor ? (entry.actor.name ?? entry.actor.email ?? "A former teammate") : "Frontdesk";
        return (
          <li
            key={entry.id}
            data-testid="audit-entry"
            className="flex flex-wrap items-baseline gap-x-3 gap-y-1 px-4 py-2 text-sm"
          >
            <time dateTime={entry.at.toISOString()} className="w-40 shrink-0 text-xs text-slate-600">
              {entry.at.toLocaleString()}
            </time>
            <span className="font-medium">{who}</span>
            <span>{ACTION_LABELS[entry.action] ?? entry.action}</span>
            {detail ? <span className="text-slate-700">{detail}</span> : null}
            {entry.entity === "conversation" && entry.entityId ? (
              <Link to={`/inbox/${entry.entityId}`} className="text-indigo-700 underline">
                Open
              </Link>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
