import { z } from "zod";
import { resultOf } from "../../lib/result";
import { type ChannelAccount, listChannels } from "../../services/channels";
import { authedProcedure, router } from "../trpc";

export const providerSchema = z.enum(["messenger", "instagram", "whatsapp"]);
export const channelStatusSchema = z.enum(["active", "needs_reconnect", "disconnected"]);

const channelSchema = z.object({
  id: z.uuid(),
  provider: providerSchema,
  providerAccountId: z.string(),
  displayName: z.string(),
  displayHandle: z.string().nullable(),
  status: channelStatusSchema,
}) satisfies z.ZodType<ChannelAccount>;

export const channelsRouter = router({
  list: authedProcedure
    .input(z.object({ workspaceId: z.uuid() }))
    .output(resultOf(z.array(channelSchema)))
    .query(({ ctx, input }) => listChannels(ctx.claims, input.workspaceId, ctx.log)),
});
