import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { SavedReply } from "../api/types";
import { signedInLoader } from "../auth/signed-in-loader.server";
import type { RealtimeSettings } from "../inbox/live-updates";
import { SavedReplyForm } from "../settings/saved-reply-form";
import { SettingsPage } from "../settings/settings-page";
import { useTRPC } from "../trpc";
import { FailureNotice, failureOf } from "../ui/failure-notice";
import { useToast } from "../ui/toast";

export const meta: MetaFunction = () => [{ title: "Saved replies · Settings · Frontdesk" }];

export const loader = (args: LoaderFunctionArgs) => signedInLoader(args);

/** Settings → Saved replies: the gym's snippets, typed with `/shortcut` in the composer; managers and admins edit. */
export default function SavedRepliesSettings() {
  const { email, project } = useLoaderData<typeof loader>();
  const { show, done, toast } = useToast();
  return (
    <SettingsPage email={email} title="Saved replies" after={toast}>
      {(workspace) => <RepliesView workspaceId={workspace.id} project={project} onError={show} onDone={done} />}
    </SettingsPage>
  );
}

function RepliesView(props: {
  workspaceId: string;
  project: RealtimeSettings;
  onError: (message: string) => void;
  onDone: (message: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<SavedReply | null>(null);
  const list = useQuery(trpc.savedReplies.list.queryOptions({ workspaceId: props.workspaceId }));
  const remove = useMutation(
    trpc.savedReplies.delete.mutationOptions({
      onSuccess: (result) => (result.success ? props.onDone("Saved reply deleted.") : props.onError(result.error.message)),
      onError: () => props.onError("Could not reach Frontdesk. Check your connection."),
      onSettled: () => void queryClient.invalidateQueries({ queryKey: trpc.savedReplies.pathKey() }),
    }),
  );
  const failure = failureOf(list);
  if (list.isPending) return <p className="text-sm text-slate-600">Loading…</p>;
  if (failure || !list.data?.success)
    return <FailureNotice message={failure ?? "Something went wrong."} onRetry={() => void list.refetch()} />;
  const { replies, canEdit } = list.data.data;
  return (
    <>
      <p className="text-sm text-slate-700">
        Type / in the reply box to pick one; its variables are filled from the conversation.
      </p>
      {canEdit ? (
        <SavedReplyForm
          key={editing?.id ?? "new"}
          workspaceId={props.workspaceId}
          project={props.project}
          editing={editing}
          onDone={(message) => {
            setEditing(null);
            props.onDone(message);
          }}
          onCancel={() => setEditing(null)}
        />
      ) : (
        <p className="text-sm text-slate-700">Only managers and admins can add or change saved replies.</p>
      )}
      {replies.length === 0 ? <p className="text-sm text-slate-700">No saved replies yet.</p> : null}
      <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
        {replies.map((reply) => (
          <li key={reply.id} data-testid="saved-reply" className="flex flex-wrap items-start gap-3 px-4 py-3">
            <div className="min-w-0 flex-1">
              <p className="font-medium">/{reply.shortcut}</p>
              <p className="whitespace-pre-wrap text-sm text-slate-700">{reply.body}</p>
              {reply.attachment ? <p className="text-sm text-slate-700">📎 {reply.attachment.name}</p> : null}
            </div>
            {canEdit ? (
              <div className="flex gap-2">
                <button
                  type="button"
                  onClick={() => setEditing(reply)}
                  className="rounded-md border border-slate-400 px-3 py-1 text-sm"
                >
                  Edit
                </button>
                <button
                  type="button"
                  disabled={remove.isPending}
                  onClick={() => remove.mutate({ id: reply.id })}
                  aria-label={`Delete /${reply.shortcut}`}
                  className="rounded-md border border-slate-400 px-3 py-1 text-sm disabled:opacity-60"
                >
                  Delete
                </button>
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </>
  );
}
