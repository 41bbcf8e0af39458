import { inject } from "vitest";
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
  close: closeSuperuserSql,
} = testData({
  supabaseUrl,
  superuserUrl,
  anonKey: env.SUPABASE_ANON_KEY ?? "",
  serviceRoleKey: env.SUPABASE_SERVICE_ROLE_KEY ?? "",
});
