import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { TeamRoster } from "../api/types";
import { useTRPC } from "../trpc";
import { sinceLabel } from "../ui/time";
import { ROLE_NAMES, type Role } from "./team-roles";

type Member = TeamRoster["members"][number];

/**
 * The team: name, email, role, last sign-in. Admins change roles and remove people (asked to confirm); the server
 * keeps the last admin and says so. Everyone else reads the list.
 */
export function TeamMembers(props: {
  workspaceId: string;
  members: Member[];
  canManage: boolean;
  userId: string | undefined;
  onError: (message: string) => void;
  onDone: (message: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [removing, setRemoving] = useState<string | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.team.pathKey() });
  const changeRole = useMutation(
    trpc.team.changeRole.mutationOptions({
      onSuccess: (result) => (result.success ? props.onDone("Role changed.") : props.onError(result.error.message)),
      onError: () => props.onError("Could not reach Frontdesk. Check your connection."),
      onSettled: refresh,
    }),
  );
  const remove = useMutation(
    trpc.team.remove.mutationOptions({
      onSuccess: (result) => {
        setRemoving(null);
        if (result.success) props.onDone("Removed from the team. Their conversations are unassigned.");
        else props.onError(result.error.message);
      },
      onError: () => props.onError("Could not reach Frontdesk. Check your connection."),
      onSettled: refresh,
    }),
  );
  return (
    <section aria-labelledby="members-heading" className="rounded-lg border border-slate-200 bg-white">
      <h2 id="members-heading" className="border-b border-slate-200 px-4 py-3 font-medium">
        Members ({props.members.length})
      </h2>
      <ul className="divide-y divide-slate-200">
        {props.members.map((member) => {
          const label = member.name ?? member.email ?? "A teammate";
          return (
            <li key={member.userId} data-testid="team-member" className="flex flex-wrap items-center gap-3 px-4 py-3">
              <div className="min-w-0 flex-1">
                <p className="truncate font-medium">
                  {label}
                  {member.userId === props.userId ? <span className="ml-1 text-xs text-slate-600">(you)</span> : null}
                </p>
                <p className="truncate text-xs text-slate-600">
                  {member.email}
                  {" · "}
                  {member.lastSignInAt ? `last signed in ${sinceLabel(member.lastSignInAt)}` : "never signed in"}
                </p>
              </div>
              {props.canManage ? (
                <select
                  aria-label={`Role of ${label}`}
                  value={member.role}
                  disabled={changeRole.isPending}
                  onChange={(event) =>
                    changeRole.mutate({ workspaceId: props.workspaceId, userId: member.userId, role: event.target.value as Role })
                  }
                  className="rounded-md border border-slate-400 px-2 py-1 text-sm"
                >
                  {(Object.keys(ROLE_NAMES) as Role[]).map((role) => (
                    <option key={role} value={role}>
                      {ROLE_NAMES[role]}
                    </option>
                  ))}
                </select>
              ) : (
                <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium">{ROLE_NAMES[member.role]}</span>
              )}
              {props.canManage && removing !== member.userId ? (
                <button
                  type="button"
                  onClick={() => setRemoving(member.userId)}
                  className="rounded-md border border-slate-400 px-3 py-1 text-sm hover:bg-slate-100"
                >
                  Remove
                </button>
              ) : null}
              {removing === member.userId ? (
                <div role="alert" className="flex w-full flex-wrap items-center justify-end gap-2 text-sm text-red-900">
                  <span>Remove {label}? They lose access at once; their conversations become unassigned.</span>
                  <button
                    type="button"
                    disabled={remove.isPending}
                    onClick={() => remove.mutate({ workspaceId: props.workspaceId, userId: member.userId })}
                    className="rounded-md bg-red-700 px-3 py-1 font-medium text-white disabled:opacity-60"
                  >
                    Remove {label}
                  </button>
                  <button
                    type="button"
                    onClick={() => setRemoving(null)}
                    className="rounded-md border border-slate-400 px-3 py-1"
                  >
                    Cancel
                  </button>
                </div>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
