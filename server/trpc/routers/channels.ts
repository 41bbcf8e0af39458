import { z } from "zod";
import { resultOf } from "../../lib/result";
import { disconnectChannel, removeChannel } from "../../services/channel-disconnect";
import type { ChannelConnectOutcome } from "../../services/channel-save";
import { type ChannelAccount, listChannels } from "../../services/channels";
import { channelStatusSchema, providerSchema } from "../../services/conversation-shape";
import {
  beginFacebookConnect,
  type ConnectAttempt,
  completeFacebookConnect,
  connectPages,
  loadConnectAttempt,
} from "../../services/facebook-connect";
import { connectWhatsApp } from "../../services/whatsapp-connect";
import { authedProcedure, router } from "../trpc";

const channelSchema = z.object({
  id: z.uuid(),
  provider: providerSchema,
  providerAccountId: z.string(),
  displayName: z.string(),
  displayHandle: z.string().nullable(),
  status: channelStatusSchema,
  statusReason: z.string().nullable(),
  linkedPageId: z.string().nullable(),
  wabaId: z.string().nullable(),
  connectedAt: z.date().nullable(),
  disconnectedAt: z.date().nullable(),
  conversations: z.number().int(),
}) satisfies z.ZodType<ChannelAccount>;

const outcomeSchema = z.object({
  provider: providerSchema,
  accountId: z.string(),
  name: z.string(),
  outcome: z.enum(["connected", "needs_reconnect", "conflict"]),
  message: z.string(),
}) satisfies z.ZodType<ChannelConnectOutcome>;

const attemptSchema = z.object({
  attemptId: z.uuid(),
  workspaceId: z.uuid(),
  usableUntil: z.date(),
  pages: z.array(z.object({ id: z.string(), name: z.string(), connection: z.union([channelStatusSchema, z.literal("new")]) })),
}) satisfies z.ZodType<ConnectAttempt>;

/** A Graph id as an admin pastes it: surrounding spaces dropped, an empty field named. */
const graphId = (name: string) =>
  z
    .string()
    .trim()
    .min(1, { error: `Enter the ${name}.`, abort: true })
    .regex(/^\d{5,25}$/, `The ${name} is digits only, as Meta shows it.`);

export const channelsRouter = router({
  list: authedProcedure
    .input(z.object({ workspaceId: z.uuid() }))
    .output(resultOf(z.array(channelSchema)))
    .query(({ ctx, input }) => listChannels(ctx.claims, input.workspaceId, ctx.log)),

  beginConnect: authedProcedure
    .input(z.object({ workspaceId: z.uuid() }))
    .output(resultOf(z.object({ dialogUrl: z.url() })))
    .mutation(({ ctx, input }) => beginFacebookConnect(ctx.claims, input.workspaceId, ctx.log)),

  /** Meta's OAuth dialog came back (app/routes/settings.channels.callback.tsx calls this in-process). */
  completeConnect: authedProcedure
    .input(
      z.object({
        state: z.string().max(500),
        code: z.string().max(2000).optional(),
        error: z.string().max(200).optional(),
      }),
    )
    .output(resultOf(z.object({ attemptId: z.uuid(), workspaceId: z.uuid() })))
    .mutation(({ ctx, input }) => completeFacebookConnect(ctx.claims, input, ctx.log)),

  connectAttempt: authedProcedure
    .input(z.object({ attemptId: z.uuid() }))
    .output(resultOf(attemptSchema))
    .query(({ ctx, input }) => loadConnectAttempt(ctx.claims, input.attemptId, ctx.log)),

  connectPages: authedProcedure
    .input(z.object({ attemptId: z.uuid(), pageIds: z.array(graphId("Page id")).min(1, "Pick at least one Page").max(50) }))
    .output(resultOf(z.object({ workspaceId: z.uuid(), channels: z.array(outcomeSchema) })))
    .mutation(({ ctx, input }) => connectPages(ctx.claims, input, ctx.log)),

  connectWhatsApp: authedProcedure
    .input(
      z.object({
        workspaceId: z.uuid(),
        phoneNumberId: graphId("phone number id"),
        wabaId: graphId("WhatsApp Business Account id"),
        accessToken: z
          .string()
          .trim()
          .min(1, { error: "Enter the permanent token.", abort: true })
          .min(20, "Paste the whole permanent token.")
          .max(1000),
      }),
    )
    .output(resultOf(outcomeSchema))
    .mutation(({ ctx, input }) => connectWhatsApp(ctx.claims, input, ctx.log)),

  remove: authedProcedure
    .input(z.object({ channelId: z.uuid() }))
    .output(resultOf(z.object({ conversations: z.number().int() })))
    .mutation(({ ctx, input }) => removeChannel(ctx.claims, input.channelId, ctx.log)),

  disconnect: authedProcedure
    .input(z.object({ channelId: z.uuid() }))
    .output(resultOf(z.object({ disconnected: z.number().int() })))
    .mutation(({ ctx, input }) => disconnectChannel(ctx.claims, input.channelId, ctx.log)),
});
