import type { Task } from "graphile-worker";
import { z } from "zod";
import { RATE_LIMIT_CODES, TOKEN_EXPIRED_CODE } from "../../../supabase/functions/_shared/graph-errors";
import { httpsUrl } from "../../../supabase/functions/_shared/payload-fields";
import { decryptToken } from "../../../supabase/functions/_shared/token-crypto";
import { asService } from "../../db/client";
import type { Logger } from "../../lib/logger";
import { tokenKeyring } from "../../lib/token-keyring";
import { graphRequest } from "../../meta/graph-http";

const payloadSchema = z.object({ identityId: z.uuid() });
const FIELDS = { messenger: "name,profile_pic", instagram: "name,username,profile_pic" } as const;
/** Meta asked us to slow down: the lookup waits this long rather than the queue's short backoff. */
const RATE_LIMITED_DELAY_MS = 15 * 60_000;

/**
 * Names (and avatars) a new Messenger or Instagram member, enqueued with their identity by ingest
 * (…_background_jobs.sql). Idempotent: an identity already looked up is left alone; running twice writes the same.
 */
export function lookupProfileTask(log: Logger): Task {
  return async (rawPayload, helpers) => {
    const { identityId } = payloadSchema.parse(rawPayload);
    const [target] = await asService(
      (tx) => tx<
        {
          channel_account_id: string;
          provider: "messenger" | "instagram" | "whatsapp";
          provider_user_id: string;
          ciphertext: string | null;
          key_id: string | null;
          fetched: boolean;
        }[]
      >`
        select ca.id as channel_account_id, ca.provider, ci.provider_user_id, ca.access_token_ciphertext as ciphertext,
               ca.access_token_key_id as key_id, ci.profile_fetched_at is not null as fetched
        from public.contact_identities ci join public.channel_accounts ca on ca.id = ci.channel_account_id
        where ci.id = ${identityId}`,
    );
    if (!target || target.fetched || target.provider === "whatsapp" || !target.ciphertext || !target.key_id) return;
    const token = await decryptToken(await tokenKeyring(), target.ciphertext, target.key_id, target.channel_account_id);
    if (!token) {
      log.warn("profile.token_unreadable", { channelAccountId: target.channel_account_id });
      return;
    }
    const response = await graphRequest("GET", encodeURIComponent(target.provider_user_id), {
      token,
      query: { fields: FIELDS[target.provider] },
    });
    // No answer or a 5xx: the queue tries again with its backoff.
    if (!response.answered) throw new Error("Meta did not answer the profile lookup");
    if (response.ok) {
      const body = response.body as { name?: string; username?: string; profile_pic?: string };
      await saveProfile(identityId, {
        name: body.name ?? null,
        username: body.username ?? null,
        avatarUrl: httpsUrl(body.profile_pic),
      });
      return;
    }
    const code = response.body.error?.code;
    if (code === TOKEN_EXPIRED_CODE) {
      await asService(
        (tx) => tx`select app.flag_channel_for_reconnect(${target.channel_account_id},
                     'Meta rejected its token while looking up a member. Reconnect it.')`,
      );
      log.warn("profile.token_expired", { channelAccountId: target.channel_account_id });
      return;
    }
    if (response.status === 429 || (code !== undefined && RATE_LIMIT_CODES.has(code))) {
      await helpers.addJob(
        "lookup-profile",
        { identityId },
        {
          jobKey: `lookup-profile:${identityId}`,
          runAt: new Date(Date.now() + RATE_LIMITED_DELAY_MS),
          maxAttempts: 8,
        },
      );
      log.warn("profile.rate_limited", { channelAccountId: target.channel_account_id, graphCode: code ?? null });
      return;
    }
    if (response.status >= 500) throw new Error(`Meta answered the profile lookup with ${response.status}`);
    log.info("profile.lookup_refused", { channelAccountId: target.channel_account_id, status: response.status });
  };
}

async function saveProfile(
  identityId: string,
  profile: { name: string | null; username: string | null; avatarUrl: string | null },
) {
  await asService(
    (tx) => tx`
      with identity as (
        update public.contact_identities set
          profile_name = coalesce(${profile.name}, profile_name),
          handle = coalesce(handle, ${profile.username ? `@${profile.username}` : null}),
          profile_fetched_at = now()
        where id = ${identityId} returning contact_id
      )
      update public.contacts c set display_name = coalesce(c.display_name, ${profile.name}),
                                   avatar_url = coalesce(${profile.avatarUrl}, c.avatar_url), updated_at = now()
      from identity where c.id = identity.contact_id`,
  );
}
