import { inject } from "vitest";
import { LOCAL_DEFAULTS } from "../../server/lib/config";
import { createCaller } from "../../server/trpc/router";
import { createContext } from "../../server/trpc/trpc";
import { deliverWebhook } from "../meta/webhooks";
import { pipeLines, spawnTypeScript } from "../stack/child-processes";
import { ROOT } from "../stack/local-stack";
import { testData } from "./test-data";

export type { TestUser } from "./test-data";

const { env, supabaseUrl, superuserUrl, metaUrl } = inject("stack");

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
  connectWhatsAppOfSimulator,
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

/**
 * Runs one of our scripts as a deployment would: only a deployment's settings, pointed at this stack as if it were a
 * Supabase project — nothing of the local stack's own (FRONTDESK_LOCAL_STACK), no `.env` in the way. Collects its
 * output: every line in order, and stdout and stderr apart.
 */
export function runAsDeployed(
  script: string,
  settings: Record<string, string> & { NODE_ENV: "development" | "production" },
  args: string[] = [],
) {
  const child = spawnTypeScript(
    ROOT,
    script,
    {
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        SUPABASE_URL: env.SUPABASE_URL ?? "",
        SUPABASE_ANON_KEY: env.SUPABASE_ANON_KEY ?? "",
        SUPABASE_SERVICE_ROLE_KEY: env.SUPABASE_SERVICE_ROLE_KEY ?? "",
        DATABASE_URL: env.DATABASE_URL ?? "",
        DATABASE_API_URL: env.DATABASE_API_URL ?? "",
        // Set when the run goes through a transaction pooler (test:pooler): the worker's session connection.
        ...(env.WORKER_DATABASE_URL ? { WORKER_DATABASE_URL: env.WORKER_DATABASE_URL } : {}),
        META_GRAPH_URL: metaUrl,
        ...settings,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
    args,
  );
  const lines: string[] = [];
  const out: string[] = [];
  const err: string[] = [];
  for (const [stream, apart] of [
    [child.stdout, out],
    [child.stderr, err],
  ] as const) {
    pipeLines(stream, (line) => {
      lines.push(line);
      apart.push(line);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { child, lines, out, err, exited };
}

/** A WhatsApp number of the simulator's (its own account, token and templates) connected to a workspace. */
export const connectSimulatedWhatsApp = (workspaceId: string) => connectWhatsAppOfSimulator(metaUrl, workspaceId);
