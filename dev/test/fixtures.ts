import { inject } from "vitest";
import { createCaller } from "../../server/trpc/router";
import { createContext } from "../../server/trpc/trpc";
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
