import { z } from "zod";
import { TAG_COLOURS, TAXONOMY_LIMITS } from "../../../supabase/functions/_shared/contact-taxonomy";
import { resultOf } from "../../lib/result";
import { setContactFieldValues } from "../../services/contact-fields";
import { CONTACT_SORTS, listContacts, stageCounts } from "../../services/contact-list";
import { findDuplicates, mergeContacts } from "../../services/contact-merge";
import type { ContactSummary } from "../../services/contact-shape";
import { tagContacts, untagContacts } from "../../services/contact-tagging";
import { contactTimeline } from "../../services/contact-timeline";
import { CONTACT_LIMITS, type Contact, getContact, updateContact } from "../../services/contacts";
import { providerSchema } from "../../services/conversation-shape";
import { moveContactsToStage } from "../../services/pipeline-stages";
import { authedProcedure, router } from "../trpc";
import { contactFieldValueSchema } from "./contact-field-value";

const tagSchema = z.object({ id: z.uuid(), name: z.string(), colour: z.enum(TAG_COLOURS) });

const summarySchema = z.object({
  id: z.uuid(),
  displayName: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  tags: z.array(tagSchema),
  stage: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  providers: z.array(providerSchema),
  lastMessageAt: z.coerce.date().nullable(),
  createdAt: z.coerce.date(),
}) satisfies z.ZodType<ContactSummary>;

const contactSchema = summarySchema.extend({
  workspaceId: z.uuid(),
  notes: z.string(),
  customFields: z.record(z.string(), contactFieldValueSchema),
  identities: z.array(
    z.object({
      id: z.uuid(),
      providerUserId: z.string(),
      handle: z.string().nullable(),
      profileName: z.string().nullable(),
      channel: z.object({ id: z.uuid(), provider: providerSchema, displayName: z.string() }),
    }),
  ),
  updatedAt: z.coerce.date(),
}) satisfies z.ZodType<Contact>;

const updateInput = z
  .object({
    contactId: z.uuid(),
    displayName: z.string().trim().max(CONTACT_LIMITS.name, "A name can be at most 200 characters.").nullable().optional(),
    notes: z.string().max(CONTACT_LIMITS.notes, "Notes can be at most 10,000 characters.").optional(),
    phone: z.string().max(40, "This is not a phone number.").optional(),
    email: z
      .string()
      .trim()
      .max(CONTACT_LIMITS.email)
      .refine((text) => text === "" || z.email().safeParse(text).success, "This is not an email address.")
      .optional(),
  })
  .refine((input) => Object.keys(input).length > 1, {
    message: "Change at least one of name, notes, phone or email.",
    path: ["displayName"],
  });

/** Up to a page of contacts at once: what a bulk action on the contacts page selects. */
const contactIds = z.array(z.uuid()).min(1, "Select at least one contact.").max(500, "Select at most 500 contacts at once.");

export const filtersInput = z.object({
  search: z.string().trim().max(100).optional(),
  tagId: z.uuid().optional(),
  stageId: z.union([z.uuid(), z.literal("none")]).optional(),
  provider: providerSchema.optional(),
  lastContact: z.object({ within: z.boolean(), days: z.number().int().min(1).max(3650) }).optional(),
  field: z.object({ fieldId: z.uuid(), value: contactFieldValueSchema }).optional(),
});

const timelineSchema = z.object({
  conversations: z.array(
    z.object({
      id: z.uuid(),
      channel: z.object({ id: z.uuid(), provider: providerSchema, displayName: z.string() }),
      status: z.enum(["open", "pending", "resolved"]),
      lastMessagePreview: z.string().nullable(),
      lastMessageAt: z.coerce.date(),
      createdAt: z.coerce.date(),
    }),
  ),
  timeline: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(["stage_changed", "tagged", "untagged", "merged", "imported", "conversation_started"]),
      summary: z.string(),
      actor: z.string().nullable(),
      at: z.coerce.date(),
    }),
  ),
});

const mergeSide = z.enum(["kept", "duplicate"]);

export const contactsRouter = router({
  get: authedProcedure
    .input(z.object({ contactId: z.uuid() }))
    .output(resultOf(contactSchema))
    .query(({ ctx, input }) => getContact(ctx.claims, input.contactId, ctx.log)),

  update: authedProcedure
    .input(updateInput)
    .output(resultOf(contactSchema))
    .mutation(({ ctx, input: { contactId, ...changes } }) => updateContact(ctx.claims, contactId, changes, ctx.log)),

  list: authedProcedure
    .input(
      filtersInput.extend({
        workspaceId: z.uuid(),
        sort: z.enum(CONTACT_SORTS).default("recent"),
        cursor: z.string().max(1000).optional(),
        limit: z.number().int().min(1).max(100).default(50),
      }),
    )
    .output(resultOf(z.object({ items: z.array(summarySchema), nextCursor: z.string().nullable() })))
    .query(({ ctx, input }) => listContacts(ctx.claims, input, ctx.log)),

  stageCounts: authedProcedure
    .input(z.object({ workspaceId: z.uuid() }))
    .output(resultOf(z.array(z.object({ stageId: z.uuid().nullable(), count: z.number().int() }))))
    .query(({ ctx, input }) => stageCounts(ctx.claims, input.workspaceId, ctx.log)),

  /** Puts a tag on contacts by name; a new name becomes a tag for managers and admins. */
  tag: authedProcedure
    .input(
      z.object({
        workspaceId: z.uuid(),
        contactIds,
        name: z.string().trim().min(1, "Name the tag.").max(TAXONOMY_LIMITS.name, "Tags are at most 40 characters."),
      }),
    )
    .output(resultOf(z.object({ tagId: z.uuid(), tagged: z.number().int() })))
    .mutation(({ ctx, input }) => tagContacts(ctx.claims, input, ctx.log)),

  untag: authedProcedure
    .input(z.object({ workspaceId: z.uuid(), contactIds, tagId: z.uuid() }))
    .output(resultOf(z.object({ untagged: z.number().int() })))
    .mutation(({ ctx, input }) => untagContacts(ctx.claims, input, ctx.log)),

  setStage: authedProcedure
    .input(z.object({ workspaceId: z.uuid(), contactIds, stageId: z.uuid().nullable() }))
    .output(resultOf(z.object({ moved: z.number().int() })))
    .mutation(({ ctx, input }) => moveContactsToStage(ctx.claims, input, ctx.log)),

  setFields: authedProcedure
    .input(z.object({ contactId: z.uuid(), values: z.record(z.uuid(), contactFieldValueSchema.nullable()) }))
    .output(resultOf(contactSchema))
    .mutation(({ ctx, input }) => setContactFieldValues(ctx.claims, input, ctx.log)),

  timeline: authedProcedure
    .input(z.object({ contactId: z.uuid() }))
    .output(resultOf(timelineSchema))
    .query(({ ctx, input }) => contactTimeline(ctx.claims, input.contactId, ctx.log)),

  duplicates: authedProcedure
    .input(z.object({ contactId: z.uuid() }))
    .output(resultOf(z.array(z.object({ contact: summarySchema, reason: z.enum(["phone", "email"]) }))))
    .query(({ ctx, input }) => findDuplicates(ctx.claims, input.contactId, ctx.log)),

  /** Managers and admins: the duplicate's identities and conversations move to the kept contact. */
  merge: authedProcedure
    .input(
      z.object({
        keptId: z.uuid(),
        duplicateId: z.uuid(),
        choices: z
          .object({
            displayName: mergeSide.optional(),
            phone: mergeSide.optional(),
            email: mergeSide.optional(),
            stage: mergeSide.optional(),
            fields: z.record(z.uuid(), mergeSide).optional(),
          })
          .default({}),
      }),
    )
    .output(resultOf(contactSchema))
    .mutation(({ ctx, input }) => mergeContacts(ctx.claims, input, ctx.log)),
});
