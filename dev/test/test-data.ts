import { randomUUID } from "node:crypto";
import { createClient, type Session, type SupabaseClient } from "@supabase/supabase-js";
import postgres from "postgres";
import WebSocket from "ws";
import type { WorkspaceRole } from "../../server/services/account";

/** Where a running test stack is; Vitest and Playwright each learn it their own way. */
export interface StackAddress {
  supabaseUrl: string;
  anonKey: string;
  serviceRoleKey: string;
  superuserUrl: string;
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
}

/**
 * Makes test data through the doors the product uses: the Auth admin API for users, SQL as the
 * database owner for workspaces (there is no workspace-creation feature yet).
 */
export function testData(stack: StackAddress) {
  let superuser: postgres.Sql | undefined;
  const sql = () => {
    superuser ??= postgres(stack.superuserUrl, { max: 4, onnotice: () => {} });
    return superuser;
  };

  /** A supabase-js client exactly as an app would build one; Node 20 needs `ws` for Realtime. */
  const supabaseClient = (key: "anon" | "service"): SupabaseClient =>
    createClient(stack.supabaseUrl, key === "anon" ? stack.anonKey : stack.serviceRoleKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
    });

  async function createUser(name = "staff"): Promise<TestUser> {
    const email = `${name}-${randomUUID().slice(0, 8)}@frontdesk.test`;
    const password = `pw-${randomUUID()}`;
    const { data, error } = await supabaseClient("service").auth.admin.createUser({ email, password, email_confirm: true });
    if (error || !data.user) throw new Error(`createUser failed: ${error?.message}`);
    return { id: data.user.id, email, password };
  }

  async function signIn(user: TestUser): Promise<Session> {
    const { data, error } = await supabaseClient("anon").auth.signInWithPassword({ email: user.email, password: user.password });
    if (error || !data.session) throw new Error(`signIn failed: ${error?.message}`);
    return data.session;
  }

  async function createWorkspace(name: string, members: { user: TestUser; role: WorkspaceRole }[]): Promise<string> {
    const [workspace] = await sql()<{ id: string }[]>`insert into public.workspaces (name) values (${name}) returning id`;
    if (!workspace) throw new Error("workspace insert returned nothing");
    for (const { user, role } of members) {
      await sql()`insert into public.memberships (workspace_id, user_id, role) values (${workspace.id}, ${user.id}, ${role})`;
    }
    return workspace.id;
  }

  /** A signed-in member of a fresh workspace: the usual starting point of a test. */
  async function memberOfNewWorkspace(role: WorkspaceRole = "admin", workspaceName = `Gym ${randomUUID().slice(0, 6)}`) {
    const user = await createUser(role);
    const workspaceId = await createWorkspace(workspaceName, [{ user, role }]);
    const session = await signIn(user);
    return { user, workspaceId, workspaceName, session };
  }

  async function close() {
    await superuser?.end();
    superuser = undefined;
  }

  return { sql, supabaseClient, createUser, signIn, createWorkspace, memberOfNewWorkspace, close };
}
