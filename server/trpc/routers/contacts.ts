import { z } from "zod";
import { resultOf } from "../../lib/result";
import { CONTACT_LIMITS, type Contact, getContact, updateContact } from "../../services/contacts";
import { providerSchema } from "../../services/conversation-shape";
import { authedProcedure, router } from "../trpc";

const contactSchema = z.object({
  id: z.uuid(),
  workspaceId: z.uuid(),
  displayName: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  notes: z.string(),
  tags: z.array(z.string()),
  identities: z.array(
    z.object({
      id: z.uuid(),
      providerUserId: z.string(),
      handle: z.string().nullable(),
      profileName: z.string().nullable(),
      channel: z.object({ id: z.uuid(), provider: providerSchema, displayName: z.string() }),
    }),
  ),
  createdAt: z.date(),
  updatedAt: z.date(),
}) satisfies z.ZodType<Contact>;

const updateInput = z
  .object({
    contactId: z.uuid(),
    displayName: z.string().trim().max(200, "A name can be at most 200 characters.").nullable().optional(),
    notes: z.string().max(CONTACT_LIMITS.notes, "Notes can be at most 10,000 characters.").optional(),
    tags: z
      .array(
        z
          .string()
          .trim()
          .min(1, "Tags cannot be empty.")
          .max(CONTACT_LIMITS.tagLength, {
            error: (issue) => `A tag can be at most 40 characters: “${String(issue.input).slice(0, 20)}…”`,
          }),
      )
      .max(CONTACT_LIMITS.tags, "A contact can have at most 50 tags.")
      .optional(),
  })
  .refine((input) => input.displayName !== undefined || input.notes !== undefined || input.tags !== undefined, {
    message: "Change at least one of name, notes or tags.",
    path: ["displayName"],
  });

export const contactsRouter = router({
  get: authedProcedure
    .input(z.object({ contactId: z.uuid() }))
    .output(resultOf(contactSchema))
    .query(({ ctx, input }) => getContact(ctx.claims, input.contactId, ctx.log)),

  update: authedProcedure
    .input(updateInput)
    .output(resultOf(contactSchema))
    .mutation(({ ctx, input: { contactId, ...changes } }) => updateContact(ctx.claims, contactId, changes, ctx.log)),
});
