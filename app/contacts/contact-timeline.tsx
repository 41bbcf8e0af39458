import { Link } from "@remix-run/react";
import type { ContactTimeline as Timeline } from "../api/types";
import { ChannelBadge } from "../ui/channel-badge";
import { relativeTime } from "../ui/time";

const WHAT: Record<Timeline["timeline"][number]["kind"], string> = {
  stage_changed: "Stage",
  tagged: "Tagged",
  untagged: "Untagged",
  merged: "Merged in",
  imported: "Imported",
  conversation_started: "Started writing on",
};

/** A contact's conversations on every channel, then what happened to it, newest first. */
export function ContactTimeline({ data }: { data: Timeline }) {
  return (
    <div className="space-y-4">
      <section aria-labelledby="conversations-heading">
        <h2 id="conversations-heading" className="text-sm font-semibold">
          Conversations
        </h2>
        {data.conversations.length === 0 ? <p className="text-sm text-slate-600">No conversations yet.</p> : null}
        <ul className="mt-1 divide-y divide-slate-200 rounded-md border border-slate-200 bg-white">
          {data.conversations.map((conversation) => (
            <li key={conversation.id} data-testid="contact-conversation">
              <Link to={`/inbox/${conversation.id}`} className="flex items-center gap-2 px-3 py-2 text-sm hover:bg-slate-50">
                <ChannelBadge provider={conversation.channel.provider} />
                <span className="font-medium">{conversation.channel.displayName}</span>
                <span className="min-w-0 flex-1 truncate text-slate-600">{conversation.lastMessagePreview ?? ""}</span>
                <span className="text-xs text-slate-600">{conversation.status}</span>
                <span className="text-xs text-slate-600">{relativeTime(conversation.lastMessageAt)}</span>
              </Link>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading" className="text-sm font-semibold">
          Timeline
        </h2>
        <ol className="mt-1 space-y-1 text-sm">
          {data.timeline.map((entry) => (
            <li key={`${entry.kind}-${entry.id}`} data-testid="timeline-entry" className="flex gap-2">
              <span className="w-24 shrink-0 text-xs text-slate-600">{relativeTime(entry.at)}</span>
              <span>
                {WHAT[entry.kind]} <strong className="font-medium">{entry.summary}</strong>
                {entry.actor ? <span className="text-slate-600"> · {entry.actor}</span> : null}
              </span>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
