import type { CountryCode } from "libphonenumber-js";
import { z } from "zod";
import { resultOf } from "../../lib/result";
import { type ContactImport, type ImportPreview, importStatus, previewImport, startImport } from "../../services/contact-import";
import { authedProcedure, router } from "../trpc";

const targetSchema = z.union([
  z.enum(["name", "phone", "email", "notes", "tags", "stage"]),
  z.templateLiteral(["field:", z.uuid()]),
]);

const settingsSchema = z.object({
  mapping: z.record(z.string().max(200), targetSchema),
  /** ISO 3166 alpha-2, for numbers written without their country code. */
  defaultCountry: z
    .string()
    .regex(/^[A-Z]{2}$/, "Choose a country.")
    .nullable()
    .transform((code) => code as CountryCode | null),
  matchOn: z.enum(["phone", "email"]),
});

const rowSchema = z.object({
  n: z.number().int(),
  problems: z.array(z.string()).optional(),
  name: z.string().optional(),
  phone: z.string().optional(),
  email: z.string().optional(),
  notes: z.string().optional(),
  tags: z.array(z.string()).optional(),
  stage: z.string().optional(),
  fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  values: z.record(z.string(), z.string()),
});

const previewSchema = z.object({
  columns: z.array(z.string()),
  suggested: z.record(z.string(), targetSchema.nullable()),
  rows: z.array(rowSchema),
}) satisfies z.ZodType<ImportPreview>;

const importSchema = z.object({
  id: z.uuid(),
  fileName: z.string(),
  status: z.enum(["queued", "running", "done", "failed"]),
  rowsDone: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  progress: z.number(),
  error: z.string().nullable(),
  failures: z.array(z.object({ rowNumber: z.number().int(), problems: z.array(z.string()) })),
  createdAt: z.coerce.date(),
  finishedAt: z.coerce.date().nullable(),
}) satisfies z.ZodType<ContactImport>;

const storedPath = z.string().min(1).max(500);

/** CSV import of contacts: managers and admins. The file goes to Storage first (the workspace's imports folder). */
export const contactImportsRouter = router({
  /** The file's columns, a guess at each, and (with settings) its first rows as the import would take them. */
  preview: authedProcedure
    .input(z.object({ workspaceId: z.uuid(), storedPath, settings: settingsSchema.nullable().default(null) }))
    .output(resultOf(previewSchema))
    .mutation(({ ctx, input }) => previewImport(ctx.claims, input, ctx.log)),
  start: authedProcedure
    .input(
      settingsSchema.extend({
        workspaceId: z.uuid(),
        storedPath,
        fileName: z.string().min(1).max(200),
        mode: z.enum(["create_or_update", "create_only", "update_only"]).default("create_or_update"),
      }),
    )
    .output(resultOf(z.object({ importId: z.uuid() })))
    .mutation(({ ctx, input }) => startImport(ctx.claims, input, ctx.log)),
  status: authedProcedure
    .input(z.object({ importId: z.uuid() }))
    .output(resultOf(importSchema))
    .query(({ ctx, input }) => importStatus(ctx.claims, input.importId, ctx.log)),
});
