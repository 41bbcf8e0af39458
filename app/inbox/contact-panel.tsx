import { Link } from "@remix-run/react";
import { useQuery } from "@tanstack/react-query";
import type { ConversationSummary } from "../api/types";
import { ContactFields } from "../contacts/contact-fields";
import { ContactStage } from "../contacts/contact-stage";
import { useTaxonomy } from "../contacts/use-taxonomy";
import { useTRPC } from "../trpc";
import { Avatar, ChannelBadge } from "../ui/channel-badge";
import { FailureNotice, failureOf } from "../ui/failure-notice";
import type { ToastAction } from "../ui/toast";
import { ContactNotes } from "./contact-notes";
import { ContactTags } from "./contact-tags";
import type { useConversationActions } from "./conversation-actions";
import { useFinePointer } from "./pointer";
import { useTeamNames } from "./team-names";

/** Right panel: who this is, their stage, tags, fields and notes, and the conversation's assignment, status and archive. */
export function ContactPanel({
  conversation,
  userId,
  canTakeAssigned,
  actions,
  onError,
  onDone,
}: {
  conversation: ConversationSummary;
  userId: string | undefined;
  /** Managers and admins may take a conversation someone else has; agents only a free one. */
  canTakeAssigned: boolean;
  actions: ReturnType<typeof useConversationActions>;
  onError: (message: string) => void;
  onDone: (message: string, undo?: ToastAction) => void;
}) {
  const trpc = useTRPC();
  const contact = useQuery(trpc.contacts.get.queryOptions({ contactId: conversation.contact.id }));
  const { members } = useTeamNames(conversation.workspaceId, userId);
  const finePointer = useFinePointer();
  const taxonomy = useTaxonomy(conversation.workspaceId);

  const contactFailure = failureOf(contact);
  const person = contact.data?.success ? contact.data.data : null;
  const name = conversation.contact.displayName ?? conversation.contact.handle ?? "Unknown member";
  const me = members.find((member) => member.userId === userId);
  return (
    <aside
      aria-label="Contact details"
      className="h-full space-y-5 overflow-y-auto border-l border-slate-200 bg-white p-4 text-sm"
    >
      <div className="flex items-center gap-3">
        <Avatar name={name} url={conversation.contact.avatarUrl} />
        <div className="min-w-0">
          <p className="break-words font-semibold">{name}</p>
          <p className="text-slate-600">{conversation.contact.phone ?? conversation.contact.handle ?? ""}</p>
          {person?.email ? <p className="text-slate-600">{person.email}</p> : null}
          <Link to={`/contacts/${conversation.contact.id}`} className="text-xs text-indigo-700 underline">
            Contact page
          </Link>
        </div>
      </div>

      <section className="space-y-2">
        <label className="block">
          <span className="text-xs font-medium uppercase text-slate-600">Assignee</span>
          <select
            aria-label="Assignee"
            value={conversation.assignee?.id ?? ""}
            onChange={(event) => {
              const member = members.find((m) => m.userId === event.target.value);
              actions.assign(member ? { id: member.userId, name: member.name, email: member.email } : null);
            }}
            className="mt-1 block w-full rounded-md border border-slate-400 px-2 py-1"
          >
            <option value="">Unassigned</option>
            {members.map((member) => (
              <option key={member.userId} value={member.userId}>
                {member.name ?? member.email}
                {member.userId === userId ? " (you)" : ""}
              </option>
            ))}
          </select>
        </label>
        {me && conversation.assignee?.id !== userId && (!conversation.assignee || canTakeAssigned) ? (
          <button
            type="button"
            onClick={() => actions.assign({ id: me.userId, name: me.name, email: me.email })}
            className="text-xs text-indigo-700 underline"
          >
            Assign to me
          </button>
        ) : null}
        <label className="block">
          <span className="text-xs font-medium uppercase text-slate-600">Status</span>
          <select
            aria-label="Status"
            value={conversation.status}
            onChange={(event) => actions.setStatus(event.target.value as ConversationSummary["status"])}
            className="mt-1 block w-full rounded-md border border-slate-400 px-2 py-1"
          >
            <option value="open">Open</option>
            <option value="pending">Pending</option>
            <option value="resolved">Resolved</option>
          </select>
        </label>
        <button
          type="button"
          onClick={() => (conversation.archivedAt ? actions.unarchive() : actions.archive())}
          aria-keyshortcuts={conversation.archivedAt ? undefined : "e"}
          className="w-full rounded-md border border-slate-400 px-3 py-1.5 hover:bg-slate-50"
        >
          {conversation.archivedAt ? "Unarchive" : finePointer ? "Archive (e)" : "Archive"}
        </button>
        <p className="text-slate-600">Unread: {conversation.unreadCount}</p>
      </section>

      {contactFailure ? (
        <FailureNotice message={contactFailure} onRetry={() => void contact.refetch()} />
      ) : person ? (
        <div className="space-y-4">
          <ContactNotes contact={person} userId={userId} onError={onError} onDone={onDone} />
          <ContactStage contact={person} stages={taxonomy.stages} onError={onError} />
          <ContactTags contact={person} tags={taxonomy.tags} canCreate={taxonomy.canEdit} onError={onError} />
          <ContactFields contact={person} fields={taxonomy.fields} onError={onError} />
          <div>
            <p className="text-xs font-medium uppercase text-slate-600">Identities</p>
            <ul className="mt-1 space-y-1">
              {person.identities.map((identity) => (
                <li key={identity.id} className="flex items-center gap-2">
                  <ChannelBadge provider={identity.channel.provider} />
                  <span className="truncate">{identity.handle ?? identity.profileName ?? "—"}</span>
                  <span className="ml-auto truncate text-xs text-slate-600" title="Provider id">
                    {identity.providerUserId}
                  </span>
                </li>
              ))}
            </ul>
          </div>
        </div>
      ) : (
        <p className="text-slate-600">Loading contact…</p>
      )}

      <details className="text-xs text-slate-600">
        <summary>IDs</summary>
        <p>Conversation {conversation.id}</p>
        <p>Contact {conversation.contact.id}</p>
        <p>Channel {conversation.channel.id}</p>
      </details>
    </aside>
  );
}
