import type { UserClaims } from "../db/client";
import { config } from "../lib/config";
import type { Logger } from "../lib/logger";
import { spend, tooManyAttemptsMessage } from "../lib/rate-limits";
import { fail, ok, type Result } from "../lib/result";
import { supabaseClient } from "../lib/supabase-client";
import type { WorkspaceRole } from "./account";
import { userTransaction } from "./user-transaction";

export interface InviteSent {
  inviteId: string;
  /** The address has a Frontdesk account already: no email goes out; they are on the team when they next sign in. */
  hasAccount: boolean;
}

const refusedEmail = (problem: string) => fail("VALIDATION", problem, { details: { fieldErrors: { email: [problem] } } });

/**
 * An admin invites someone by email with a role (DESIGN §13): the invitation is recorded (app.invite_member, which
 * checks the role), and Auth sends its invitation email, whose link signs them in to set a name and password. The
 * email goes out before the invitation commits: if Auth cannot send it, nothing is left half-done. An address that
 * already has an account gets no email; it joins the team on its next sign-in (app.accept_invites). Within
 * `invitesPerUser`.
 */
export async function inviteMember(
  claims: UserClaims,
  input: { workspaceId: string; email: string; role: WorkspaceRole },
  log: Logger,
): Promise<Result<InviteSent>> {
  const limit = await spend("invitesPerUser", claims.sub, log);
  if (!limit.allowed) return fail("RATE_LIMITED", tooManyAttemptsMessage(limit.retryAfterSeconds), { retryable: true });
  const serviceKey = config().SUPABASE_SERVICE_ROLE_KEY;
  if (!serviceKey)
    return fail("PROVIDER_ERROR", "Invitations need SUPABASE_SERVICE_ROLE_KEY on the server.", { retryable: false });
  return userTransaction<InviteSent>(claims, log, "team.invite", async (tx) => {
    const [row] = await tx<{ outcome: string; inviteId: string | null }[]>`
      select outcome, invite_id as "inviteId" from app.invite_member(${input.workspaceId}, ${input.email}, ${input.role})`;
    switch (row?.outcome) {
      case "not_found":
        return fail("NOT_FOUND", "Workspace not found.");
      case "forbidden":
        return fail("FORBIDDEN", "Only admins can invite people.");
      case "invalid":
        return refusedEmail("Enter a valid email address.");
      case "member":
        return refusedEmail("This person is already on the team.");
    }
    const sent = await supabaseClient(serviceKey).auth.admin.inviteUserByEmail(input.email, {
      redirectTo: `${config().APP_URL}/auth/confirm`,
    });
    if (sent.error?.code === "email_exists") return ok({ inviteId: row?.inviteId ?? "", hasAccount: true });
    if (sent.error?.code === "over_email_send_rate_limit") {
      return fail("RATE_LIMITED", "An invitation went to this address a moment ago. Wait a minute before sending another.", {
        retryable: true,
      });
    }
    if (sent.error) {
      log.error("team.invite_email_failed", { status: sent.error.status ?? null, code: sent.error.code ?? null });
      return fail("PROVIDER_ERROR", "The invitation email could not be sent right now. Try again in a moment.", {
        retryable: true,
      });
    }
    return ok({ inviteId: row?.inviteId ?? "", hasAccount: false });
  });
}

const OUTCOMES = {
  changed: null,
  not_found: ["NOT_FOUND", "This invitation is no longer open."],
  forbidden: ["FORBIDDEN", "Only admins can revoke invitations."],
} as const;

/** An admin takes back an open invitation: its link then signs the person in to no workspace of this gym. */
export function revokeInvite(claims: UserClaims, inviteId: string, log: Logger): Promise<Result<{ revoked: true }>> {
  return userTransaction(claims, log, "team.revoke_invite", async (tx) => {
    const [row] = await tx<{ outcome: keyof typeof OUTCOMES }[]>`select app.revoke_invite(${inviteId}) as outcome`;
    const refusal = OUTCOMES[row?.outcome ?? "not_found"];
    return refusal ? fail(refusal[0], refusal[1]) : ok({ revoked: true as const });
  });
}
