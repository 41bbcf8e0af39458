import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTRPC } from "../trpc";
import { Avatar, ChannelBadge } from "./channel-badge";
import { FailureNotice, failureOf } from "./failure-notice";
import type { ConversationSummary } from "./types";

/** Right panel: who this is, their notes and tags, and the conversation's assignment, status and archive. */
export function ContactPanel({
  conversation,
  onError,
}: {
  conversation: ConversationSummary;
  onError: (message: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const contact = useQuery(trpc.contacts.get.queryOptions({ contactId: conversation.contact.id }));
  const team = useQuery(trpc.team.list.queryOptions({ workspaceId: conversation.workspaceId }));
  const [notes, setNotes] = useState("");
  const [tags, setTags] = useState("");
  useEffect(() => {
    if (contact.data?.success) {
      setNotes(contact.data.data.notes);
      setTags(contact.data.data.tags.join(", "));
    }
  }, [contact.data]);

  const getKey = trpc.conversations.get.queryKey({ conversationId: conversation.id });
  /** Optimistic conversation change: patch now, roll back with a toast if the server says no. */
  const change = (patch: Partial<ConversationSummary>) => ({
    onMutate: async () => {
      await queryClient.cancelQueries({ queryKey: getKey });
      const previous = queryClient.getQueryData(getKey);
      queryClient.setQueryData(getKey, (old) => (old?.success ? { ...old, data: { ...old.data, ...patch } } : old));
      return { previous };
    },
    onSettled: (
      result: { success: boolean; error?: { message: string } } | undefined,
      error: unknown,
      _input: unknown,
      context?: { previous: unknown },
    ) => {
      if (error || !result?.success) {
        queryClient.setQueryData(getKey, context?.previous as never);
        onError(result?.error?.message ?? "Could not save that change. Try again.");
      }
      void queryClient.invalidateQueries({ queryKey: trpc.conversations.pathKey() });
    },
  });
  const assign = useMutation(trpc.conversations.assign.mutationOptions());
  const setStatus = useMutation(trpc.conversations.setStatus.mutationOptions());
  const archive = useMutation(trpc.conversations.archive.mutationOptions());
  const unarchive = useMutation(trpc.conversations.unarchive.mutationOptions());
  const saveContact = useMutation(
    trpc.contacts.update.mutationOptions({
      onSuccess: (result) => {
        if (!result.success) onError(result.error.message);
        else void queryClient.invalidateQueries({ queryKey: trpc.contacts.get.pathKey() });
      },
      onError: () => onError("Could not save the contact. Try again."),
    }),
  );

  const contactFailure = failureOf(contact);
  const person = contact.data?.success ? contact.data.data : null;
  const members = team.data?.success ? team.data.data : [];
  const name = conversation.contact.displayName ?? conversation.contact.handle ?? "Unknown member";
  return (
    <aside
      aria-label="Contact details"
      className="h-full space-y-5 overflow-y-auto border-l border-slate-200 bg-white p-4 text-sm"
    >
      <div className="flex items-center gap-3">
        <Avatar name={name} url={conversation.contact.avatarUrl} />
        <div>
          <p className="font-semibold">{name}</p>
          <p className="text-slate-500">{conversation.contact.phone ?? conversation.contact.handle ?? ""}</p>
          {person?.email ? <p className="text-slate-500">{person.email}</p> : null}
        </div>
      </div>

      <section className="space-y-2">
        <label className="block">
          <span className="text-xs font-medium uppercase text-slate-500">Assignee</span>
          <select
            aria-label="Assignee"
            value={conversation.assignee?.id ?? ""}
            onChange={(event) => {
              const assigneeId = event.target.value || null;
              const member = members.find((m) => m.userId === assigneeId);
              assign.mutate(
                { conversationId: conversation.id, assigneeId },
                change({ assignee: member ? { id: member.userId, name: member.name, email: member.email } : null }),
              );
            }}
            className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1"
          >
            <option value="">Unassigned</option>
            {members.map((member) => (
              <option key={member.userId} value={member.userId}>
                {member.name ?? member.email}
              </option>
            ))}
          </select>
        </label>
        <label className="block">
          <span className="text-xs font-medium uppercase text-slate-500">Status</span>
          <select
            aria-label="Status"
            value={conversation.status}
            onChange={(event) => {
              const status = event.target.value as ConversationSummary["status"];
              setStatus.mutate({ conversationId: conversation.id, status }, change({ status }));
            }}
            className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1"
          >
            <option value="open">Open</option>
            <option value="pending">Pending</option>
            <option value="resolved">Resolved</option>
          </select>
        </label>
        <button
          type="button"
          onClick={() =>
            conversation.archivedAt
              ? unarchive.mutate({ conversationId: conversation.id }, change({ archivedAt: null }))
              : archive.mutate({ conversationId: conversation.id }, change({ archivedAt: new Date() }))
          }
          className="w-full rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-50"
        >
          {conversation.archivedAt ? "Unarchive" : "Archive (e)"}
        </button>
        <p className="text-slate-500">Unread: {conversation.unreadCount}</p>
      </section>

      {contactFailure ? (
        <FailureNotice message={contactFailure} onRetry={() => void contact.refetch()} />
      ) : person ? (
        <form
          className="space-y-2"
          onSubmit={(event) => {
            event.preventDefault();
            saveContact.mutate({
              contactId: person.id,
              notes,
              tags: tags
                .split(",")
                .map((t) => t.trim())
                .filter(Boolean),
            });
          }}
        >
          <label className="block">
            <span className="text-xs font-medium uppercase text-slate-500">Notes</span>
            <textarea
              value={notes}
              onChange={(e) => setNotes(e.target.value)}
              rows={4}
              className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1"
            />
          </label>
          <label className="block">
            <span className="text-xs font-medium uppercase text-slate-500">Tags (comma-separated)</span>
            <input
              value={tags}
              onChange={(e) => setTags(e.target.value)}
              className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1"
            />
          </label>
          <button
            type="submit"
            disabled={saveContact.isPending}
            className="rounded-md bg-slate-800 px-3 py-1.5 text-white disabled:opacity-50"
          >
            {saveContact.isPending ? "Saving…" : "Save contact"}
          </button>
          <div>
            <p className="text-xs font-medium uppercase text-slate-500">Identities</p>
            <ul className="mt-1 space-y-1">
              {person.identities.map((identity) => (
                <li key={identity.id} className="flex items-center gap-2">
                  <ChannelBadge provider={identity.channel.provider} />
                  <span className="truncate">{identity.handle ?? identity.profileName ?? "—"}</span>
                  <span className="ml-auto truncate text-xs text-slate-400" title="Provider id">
                    {identity.providerUserId}
                  </span>
                </li>
              ))}
            </ul>
          </div>
        </form>
      ) : (
        <p className="text-slate-500">Loading contact…</p>
      )}

      <details className="text-xs text-slate-500">
        <summary>IDs</summary>
        <p>Conversation {conversation.id}</p>
        <p>Contact {conversation.contact.id}</p>
        <p>Channel {conversation.channel.id}</p>
      </details>
    </aside>
  );
}
