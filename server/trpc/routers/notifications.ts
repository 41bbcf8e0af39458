import { z } from "zod";
import { resultOf } from "../../lib/result";
import {
  listNotifications,
  markNotificationsRead,
  type NotificationList,
  type NotificationPreferences,
  notificationPreferences,
  saveNotificationPreferences,
} from "../../services/notifications";
import { authedProcedure, router } from "../trpc";

const listSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(["assigned", "mentioned", "new_message"]),
      at: z.coerce.date(),
      read: z.boolean(),
      conversationId: z.uuid(),
      contactName: z.string().nullable(),
      actorName: z.string().nullable(),
    }),
  ),
  unread: z.number().int(),
}) satisfies z.ZodType<NotificationList>;

const preferencesSchema = z.object({
  assigned: z.boolean(),
  mentioned: z.boolean(),
  newMessage: z.boolean(),
  desktop: z.boolean(),
  sound: z.boolean(),
}) satisfies z.ZodType<NotificationPreferences>;

export const notificationsRouter = router({
  /** The caller's newest notifications in a workspace, with the unread count. */
  list: authedProcedure
    .input(z.object({ workspaceId: z.uuid(), limit: z.number().int().min(1).max(100).default(30) }))
    .output(resultOf(listSchema))
    .query(({ ctx, input }) => listNotifications(ctx.claims, input, ctx.log)),
  /** Marks some (or, without ids, all) of the caller's notifications read. */
  markRead: authedProcedure
    .input(
      z.object({
        ids: z
          .array(z.string().regex(/^\d{1,19}$/))
          .max(100)
          .optional(),
      }),
    )
    .output(resultOf(z.object({ marked: z.number().int() })))
    .mutation(({ ctx, input }) => markNotificationsRead(ctx.claims, input.ids ?? null, ctx.log)),
  preferences: authedProcedure
    .output(resultOf(preferencesSchema))
    .query(({ ctx }) => notificationPreferences(ctx.claims, ctx.log)),
  savePreferences: authedProcedure
    .input(preferencesSchema)
    .output(resultOf(preferencesSchema))
    .mutation(({ ctx, input }) => saveNotificationPreferences(ctx.claims, input, ctx.log)),
});
