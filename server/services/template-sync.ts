import { asService } from "../db/client";
import type { Logger } from "../lib/logger";
import { openChannelToken } from "../lib/token-keyring";
import { listMessageTemplates } from "../meta/graph-templates";

export type TemplateSyncOutcome =
  | { ok: true; templates: number; removed: number; pages: number }
  | { ok: false; reason: "no_channel" | "token" | "meta"; message: string };

/**
 * Replaces a workspace's copy of one WhatsApp Business Account's templates with what Meta lists now (every page):
 * new ones added, changed ones updated (a status change dated now), ones Meta no longer lists removed. Idempotent, so
 * the `sync-templates` job and the Sync button may run it at any time. Uses the token of a connected number of that
 * account; a token Meta refuses flags that number for reconnecting.
 */
export async function syncTemplates(workspaceId: string, wabaId: string, log: Logger): Promise<TemplateSyncOutcome> {
  const [channel] = await asService(
    (tx) => tx<{ id: string; ciphertext: string | null; key_id: string | null }[]>`
      select id, access_token_ciphertext as ciphertext, access_token_key_id as key_id from public.channel_accounts
      where workspace_id = ${workspaceId} and provider = 'whatsapp' and waba_id = ${wabaId} and status = 'active'
      order by connected_at desc nulls last limit 1`,
  );
  const token = channel ? await openChannelToken(channel.ciphertext, channel.key_id, channel.id) : null;
  if (!channel || !token) {
    return { ok: false, reason: "no_channel", message: "No connected WhatsApp number of this account has a usable token." };
  }
  const listed = await listMessageTemplates(wabaId, token);
  if (!listed.ok) {
    log.warn("templates.sync_refused", { workspaceId, graphCode: listed.failure.code });
    if (listed.failure.tokenInvalid) {
      await asService(
        (tx) =>
          tx`select app.flag_channel_for_reconnect(${channel.id}, 'Meta rejected its token while listing its templates. Reconnect it.')`,
      );
      return {
        ok: false,
        reason: "token",
        message: "Meta no longer accepts this number's token. Reconnect it in Settings → Channels.",
      };
    }
    return { ok: false, reason: "meta", message: "Meta did not list the templates just now. Try again shortly." };
  }
  const { unreadable, pages } = listed.value;
  // A template added while the pages were read can be listed twice: it is one row.
  const templates = [...new Map(listed.value.templates.map((t) => [t.providerTemplateId, t])).values()];
  const removed = await asService(async (tx) => {
    const rows = templates.map((t) => ({
      provider_template_id: t.providerTemplateId,
      name: t.name,
      language: t.language,
      category: t.category,
      status: t.status,
      rejected_reason: t.rejectedReason,
      quality: t.quality,
      components: t.components,
    }));
    await tx`
      insert into public.whatsapp_templates (workspace_id, waba_id, provider_template_id, name, language, category, status,
                                             rejected_reason, quality, components, synced_at, status_changed_at)
      select ${workspaceId}, ${wabaId}, r.provider_template_id, r.name, r.language, r.category, r.status, r.rejected_reason,
             r.quality, coalesce(r.components, '[]'), now(), date_trunc('second', now())
      from jsonb_to_recordset(${tx.json(rows as never)}) as r (provider_template_id text, name text, language text,
             category text, status text, rejected_reason text, quality text, components jsonb)
      on conflict (workspace_id, waba_id, provider_template_id) do update set
        name = excluded.name, language = excluded.language, category = excluded.category, components = excluded.components,
        quality = coalesce(excluded.quality, whatsapp_templates.quality), synced_at = now(), updated_at = now(),
        status = excluded.status, rejected_reason = excluded.rejected_reason,
        status_changed_at = case when whatsapp_templates.status is distinct from excluded.status then excluded.status_changed_at
                                 else whatsapp_templates.status_changed_at end`;
    const gone = await tx`
      delete from public.whatsapp_templates
      where workspace_id = ${workspaceId} and waba_id = ${wabaId}
        and provider_template_id <> all (${templates.map((t) => t.providerTemplateId)}::text[])`;
    return gone.count;
  });
  log.info("templates.synced", { workspaceId, templates: templates.length, removed, unreadable, pages });
  return { ok: true, templates: templates.length, removed, pages };
}
