import { z } from "zod";
import { resultOf } from "../../lib/result";
import { listTeam, type TeamMember, type TeamRoster, teamRoster } from "../../services/team";
import { changeMemberRole, removeMember } from "../../services/team-changes";
import { type InviteSent, inviteMember, revokeInvite } from "../../services/team-invites";
import { authedProcedure, router } from "../trpc";

const roleSchema = z.enum(["admin", "manager", "agent"]);

const memberSchema = z.object({
  userId: z.uuid(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  role: roleSchema,
}) satisfies z.ZodType<TeamMember>;

const rosterSchema = z.object({
  members: z.array(memberSchema.extend({ joinedAt: z.coerce.date(), lastSignInAt: z.coerce.date().nullable() })),
  invites: z.array(
    z.object({ id: z.uuid(), email: z.string(), role: roleSchema, sentAt: z.coerce.date(), expiresAt: z.coerce.date() }),
  ),
  canManage: z.boolean(),
}) satisfies z.ZodType<TeamRoster>;

const changedSchema = z.object({ changed: z.boolean() });
const memberInput = z.object({ workspaceId: z.uuid(), userId: z.uuid() });

export const teamRouter = router({
  list: authedProcedure
    .input(z.object({ workspaceId: z.uuid() }))
    .output(resultOf(z.array(memberSchema)))
    .query(({ ctx, input }) => listTeam(ctx.claims, input.workspaceId, ctx.log)),

  /** Settings → Team: members with their last sign-in, open invitations, and whether the caller may change them. */
  roster: authedProcedure
    .input(z.object({ workspaceId: z.uuid() }))
    .output(resultOf(rosterSchema))
    .query(({ ctx, input }) => teamRoster(ctx.claims, input.workspaceId, ctx.log)),

  /** Invites (or invites again) an address with a role; admins only. */
  invite: authedProcedure
    .input(
      z.object({
        workspaceId: z.uuid(),
        email: z
          .email("Enter a valid email address.")
          .max(254)
          .transform((email) => email.toLowerCase()),
        role: roleSchema,
      }),
    )
    .output(resultOf(z.object({ inviteId: z.string(), hasAccount: z.boolean() }) satisfies z.ZodType<InviteSent>))
    .mutation(({ ctx, input }) => inviteMember(ctx.claims, input, ctx.log)),

  revokeInvite: authedProcedure
    .input(z.object({ inviteId: z.uuid() }))
    .output(resultOf(z.object({ revoked: z.literal(true) })))
    .mutation(({ ctx, input }) => revokeInvite(ctx.claims, input.inviteId, ctx.log)),

  changeRole: authedProcedure
    .input(memberInput.extend({ role: roleSchema }))
    .output(resultOf(changedSchema))
    .mutation(({ ctx, input }) => changeMemberRole(ctx.claims, input, ctx.log)),

  remove: authedProcedure
    .input(memberInput)
    .output(resultOf(changedSchema))
    .mutation(({ ctx, input }) => removeMember(ctx.claims, input, ctx.log)),
});
