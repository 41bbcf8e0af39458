import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { TeamRoster } from "../api/types";
import { useTRPC } from "../trpc";
import { sinceLabel, untilLabel } from "../ui/time";
import { ROLE_NAMES } from "./team-roles";

/** Invitations not yet accepted: when each went out and runs out; admins send one again or take it back. */
export function PendingInvites(props: {
  workspaceId: string;
  invites: TeamRoster["invites"];
  canManage: boolean;
  onError: (message: string) => void;
  onDone: (message: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.team.pathKey() });
  const failed = () => props.onError("Could not reach Frontdesk. Check your connection.");
  const resend = useMutation(
    trpc.team.invite.mutationOptions({
      onSuccess: (result, input) =>
        result.success ? props.onDone(`Sent again to ${input.email}.`) : props.onError(result.error.message),
      onError: failed,
      onSettled: refresh,
    }),
  );
  const revoke = useMutation(
    trpc.team.revokeInvite.mutationOptions({
      onSuccess: (result) => (result.success ? props.onDone("Invitation revoked.") : props.onError(result.error.message)),
      onError: failed,
      onSettled: refresh,
    }),
  );
  if (props.invites.length === 0) return null;
  return (
    <section aria-labelledby="invites-heading" className="rounded-lg border border-slate-200 bg-white">
      <h2 id="invites-heading" className="border-b border-slate-200 px-4 py-3 font-medium">
        Invited ({props.invites.length})
      </h2>
      <ul className="divide-y divide-slate-200">
        {props.invites.map((invite) => (
          <li key={invite.id} data-testid="team-invite" className="flex flex-wrap items-center gap-3 px-4 py-3">
            <div className="min-w-0 flex-1">
              <p className="truncate font-medium">{invite.email}</p>
              <p className="text-xs text-slate-600">
                {ROLE_NAMES[invite.role]} · sent {sinceLabel(invite.sentAt)} · runs out in {untilLabel(invite.expiresAt)}
              </p>
            </div>
            {props.canManage ? (
              <>
                <button
                  type="button"
                  disabled={resend.isPending}
                  onClick={() => resend.mutate({ workspaceId: props.workspaceId, email: invite.email, role: invite.role })}
                  className="rounded-md border border-slate-400 px-3 py-1 text-sm hover:bg-slate-100 disabled:opacity-60"
                >
                  Send again
                </button>
                <button
                  type="button"
                  disabled={revoke.isPending}
                  onClick={() => revoke.mutate({ inviteId: invite.id })}
                  aria-label={`Revoke the invitation to ${invite.email}`}
                  className="rounded-md border border-slate-400 px-3 py-1 text-sm hover:bg-slate-100 disabled:opacity-60"
                >
                  Revoke
                </button>
              </>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
