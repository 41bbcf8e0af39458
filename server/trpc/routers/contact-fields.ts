import { z } from "zod";
import { FIELD_TYPES, TAXONOMY_LIMITS } from "../../../supabase/functions/_shared/contact-taxonomy";
import { resultOf } from "../../lib/result";
import { type ContactField, deleteContactField, listContactFields, saveContactField } from "../../services/contact-fields";
import { authedProcedure, router } from "../trpc";

const fieldTypeSchema = z.enum(Object.keys(FIELD_TYPES) as [keyof typeof FIELD_TYPES, ...(keyof typeof FIELD_TYPES)[]]);

const fieldSchema = z.object({
  id: z.uuid(),
  key: z.string(),
  label: z.string(),
  type: fieldTypeSchema,
  options: z.array(z.string()),
}) satisfies z.ZodType<ContactField>;

export const contactFieldsRouter = router({
  list: authedProcedure
    .input(z.object({ workspaceId: z.uuid() }))
    .output(resultOf(z.object({ fields: z.array(fieldSchema), canEdit: z.boolean() })))
    .query(({ ctx, input }) => listContactFields(ctx.claims, input.workspaceId, ctx.log)),
  /** Creates (without an id) or edits one; its type is fixed once made. Managers and admins. */
  save: authedProcedure
    .input(
      z
        .object({
          workspaceId: z.uuid(),
          id: z.uuid().optional(),
          key: z
            .string()
            .trim()
            .regex(/^[a-z][a-z0-9_]{0,31}$/, "Keys are 1–32 lowercase letters, digits or _, starting with a letter."),
          label: z.string().trim().min(1, "Name the field.").max(TAXONOMY_LIMITS.fieldLabel, "Labels are at most 60 characters."),
          type: fieldTypeSchema,
          options: z
            .array(z.string().trim().min(1, "Options cannot be blank.").max(60, "Options are at most 60 characters."))
            .max(TAXONOMY_LIMITS.options, "A choice has at most 50 options.")
            .default([]),
        })
        .refine((input) => (input.type === "select") === input.options.length > 0, {
          message: "A choice needs its options; other types take none.",
          path: ["options"],
        }),
    )
    .output(resultOf(z.object({ id: z.uuid() })))
    .mutation(({ ctx, input }) => saveContactField(ctx.claims, input, ctx.log)),
  delete: authedProcedure
    .input(z.object({ id: z.uuid() }))
    .output(resultOf(z.object({ deleted: z.literal(true) })))
    .mutation(({ ctx, input }) => deleteContactField(ctx.claims, input.id, ctx.log)),
});
