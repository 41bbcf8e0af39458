import { z } from "zod";
import type { FieldValue } from "../../../supabase/functions/_shared/contact-taxonomy";

/** A custom field's value as it travels: what each type takes is checked against the field (fieldValueProblem). */
export const contactFieldValueSchema = z.union([
  z.string().max(500),
  z.number().finite(),
  z.boolean(),
]) satisfies z.ZodType<FieldValue>;
