import { inject } from "vitest";
import { LOCAL_DEFAULTS } from "../../server/lib/config";
import { createCaller } from "../../server/trpc/router";
import { createContext } from "../../server/trpc/trpc";
import { deliverWebhook } from "../meta/webhooks";
import { testData } from "./test-data";

export type { TestUser } from "./test-data";

const { env, supabaseUrl, superuserUrl } = inject("stack");

/** Test data for Vitest workers, against the stack the global setup started. */
export const {
  sql: superuserSql,
  supabaseClient,
  createUser,
  signIn,
  createWorkspace,
  memberOfNewWorkspace,
  createChannel,
  createConversation,
  addMessage,
  close: closeSuperuserSql,
} = testData({
  supabaseUrl,
  superuserUrl,
  anonKey: env.SUPABASE_ANON_KEY ?? "",
  serviceRoleKey: env.SUPABASE_SERVICE_ROLE_KEY ?? "",
});

/** A tRPC caller with exactly the context a request with this access token gets. */
export async function callerFor(accessToken: string | null) {
  return createCaller(await createContext({ accessToken, requestId: crypto.randomUUID() }));
}

/** Posts a webhook as Meta does (signed unless told otherwise), through the gateway, to the function under Deno. */
export const sendWebhook = (
  payload: unknown,
  options: { signature?: string; rawBody?: string; headers?: Record<string, string> } = {},
) =>
  deliverWebhook(`${supabaseUrl}/functions/v1/meta-webhook`, payload, { appSecret: LOCAL_DEFAULTS.META_APP_SECRET, ...options });

/** A fresh workspace with one connected channel (no token) whose Meta id webhooks can name. */
export async function channelForWebhooks(
  provider: "messenger" | "instagram" | "whatsapp",
  providerAccountId = `${Date.now()}${Math.floor(Math.random() * 1e6)}`,
) {
  const member = await memberOfNewWorkspace();
  const [channel] = await superuserSql()<{ id: string }[]>`
    insert into public.channel_accounts (workspace_id, provider, provider_account_id, display_name)
    values (${member.workspaceId}, ${provider}, ${providerAccountId}, 'Test') returning id`;
  return { ...member, channelId: channel?.id ?? "", providerAccountId };
}
