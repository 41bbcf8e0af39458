import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../trpc";
import { ROLE_LABELS, type Role } from "./team-roles";

/** An admin invites someone by email with a role; a refusal says what to fix, next to the field. */
export function InviteForm({ workspaceId, onDone }: { workspaceId: string; onDone: (message: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("agent");
  const [problem, setProblem] = useState<{ field: "email" | "form"; message: string } | null>(null);
  const invite = useMutation(
    trpc.team.invite.mutationOptions({
      onSuccess: (result, input) => {
        if (!result.success) {
          const fieldError = (result.error.details as { fieldErrors?: { email?: string[] } } | undefined)?.fieldErrors
            ?.email?.[0];
          setProblem(fieldError ? { field: "email", message: fieldError } : { field: "form", message: result.error.message });
          return;
        }
        setProblem(null);
        setEmail("");
        onDone(
          result.data.hasAccount
            ? `${input.email} already has a Frontdesk account: they are on the team from their next sign-in.`
            : `Invitation sent to ${input.email}.`,
        );
        void queryClient.invalidateQueries({ queryKey: trpc.team.pathKey() });
      },
      onError: () => setProblem({ field: "form", message: "Could not reach Frontdesk. Check your connection." }),
    }),
  );
  return (
    <form
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4"
      aria-labelledby="invite-heading"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (!email.trim()) return setProblem({ field: "email", message: "Enter the email address to invite." });
        invite.mutate({ workspaceId, email: email.trim(), role });
      }}
    >
      <h2 id="invite-heading" className="font-medium">
        Invite someone
      </h2>
      {problem?.field === "form" ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {problem.message}
        </p>
      ) : null}
      <div className="flex flex-wrap items-end gap-2">
        <label className="min-w-56 flex-1 text-sm">
          <span className="font-medium">Email</span>
          <input
            type="email"
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            autoComplete="off"
            aria-invalid={problem?.field === "email"}
            aria-describedby={problem?.field === "email" ? "invite-email-error" : undefined}
            className="mt-1 block w-full rounded-md border border-slate-400 px-3 py-1.5"
          />
        </label>
        <label className="text-sm">
          <span className="font-medium">Role</span>
          <select
            aria-label="Role"
            value={role}
            onChange={(event) => setRole(event.target.value as Role)}
            className="mt-1 block rounded-md border border-slate-400 px-2 py-1.5"
          >
            {(Object.keys(ROLE_LABELS) as Role[]).map((value) => (
              <option key={value} value={value}>
                {ROLE_LABELS[value]}
              </option>
            ))}
          </select>
        </label>
        <button
          type="submit"
          disabled={invite.isPending}
          className="rounded-md bg-indigo-700 px-4 py-1.5 text-sm font-medium text-white disabled:opacity-60"
        >
          {invite.isPending ? "Sending…" : "Send invitation"}
        </button>
      </div>
      {problem?.field === "email" ? (
        <p id="invite-email-error" className="text-sm text-red-800">
          {problem.message}
        </p>
      ) : null}
    </form>
  );
}
