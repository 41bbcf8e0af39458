import type { UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import type { ListedTemplate } from "../meta/graph-templates";
import { syncTemplates } from "./template-sync";
import { userTransaction } from "./user-transaction";
import { membershipIn } from "./workspace-membership";

/** A template as Meta lists it (graph-templates.ts), as stored for one of the gym's accounts. */
export interface WhatsAppTemplate extends Omit<ListedTemplate, "providerTemplateId"> {
  id: string;
  wabaId: string;
  syncedAt: Date;
}

export interface TemplateAccount {
  wabaId: string;
  /** The connected numbers of this account, as Settings names them. */
  numbers: string[];
  syncedAt: Date | null;
}

/**
 * A gym's WhatsApp templates, per WhatsApp Business Account of its connected numbers (every member reads them; the
 * composer asks for one number's). `canSync` for managers and admins.
 */
export function listTemplates(
  claims: UserClaims,
  input: { workspaceId: string; channelAccountId?: string },
  log: Logger,
): Promise<Result<{ accounts: TemplateAccount[]; templates: WhatsAppTemplate[]; canSync: boolean }>> {
  return userTransaction(claims, log, "templates.list", async (tx) => {
    const membership = await membershipIn(tx, input.workspaceId);
    if (!membership) return fail("NOT_FOUND", "Workspace not found.");
    const accounts = await tx<TemplateAccount[]>`
      select ca.waba_id as "wabaId", array_agg(ca.display_name order by ca.display_name) as numbers,
             (select max(t.synced_at) from public.whatsapp_templates t
              where t.workspace_id = ${input.workspaceId} and t.waba_id = ca.waba_id) as "syncedAt"
      from public.channel_accounts ca
      where ca.workspace_id = ${input.workspaceId} and ca.provider = 'whatsapp' and ca.status <> 'disconnected'
        and ca.waba_id is not null and (${input.channelAccountId ?? null}::uuid is null or ca.id = ${input.channelAccountId ?? null})
      group by ca.waba_id order by 1`;
    const templates = await tx<WhatsAppTemplate[]>`
      select id, waba_id as "wabaId", name, language, category, status, rejected_reason as "rejectedReason", quality,
             components, synced_at as "syncedAt"
      from public.whatsapp_templates
      where workspace_id = ${input.workspaceId} and waba_id = any (${accounts.map((a) => a.wabaId)}::text[])
      order by name, language`;
    return ok({ accounts: [...accounts], templates: [...templates], canSync: membership.role !== "agent" });
  });
}

/** "Sync" in Settings → Templates: every account of the gym's connected numbers, now (managers and admins). */
export async function syncWorkspaceTemplates(
  claims: UserClaims,
  workspaceId: string,
  log: Logger,
): Promise<Result<{ accounts: number; templates: number; removed: number }>> {
  const allowed = await userTransaction(claims, log, "templates.sync", async (tx) => {
    const membership = await membershipIn(tx, workspaceId);
    if (!membership) return fail("NOT_FOUND", "Workspace not found.");
    if (membership.role === "agent") return fail("FORBIDDEN", "Only managers and admins can sync templates.");
    const accounts = await tx<{ wabaId: string }[]>`
      select distinct waba_id as "wabaId" from public.channel_accounts
      where workspace_id = ${workspaceId} and provider = 'whatsapp' and status = 'active' and waba_id is not null`;
    return ok(accounts.map((account) => account.wabaId));
  });
  if (!allowed.success) return allowed;
  if (allowed.data.length === 0) {
    return fail("CONFLICT", "Connect a WhatsApp number first: its templates come from its WhatsApp Business Account.");
  }
  let templates = 0;
  let removed = 0;
  for (const wabaId of allowed.data) {
    const outcome = await syncTemplates(workspaceId, wabaId, log);
    if (!outcome.ok) return fail("PROVIDER_ERROR", outcome.message, { retryable: outcome.reason === "meta" });
    templates += outcome.templates;
    removed += outcome.removed;
  }
  return ok({ accounts: allowed.data.length, templates, removed });
}
