import { z } from "zod";
import { ATTACHMENTS_BUCKET, outboundFolder, savedReplyFolder } from "../../supabase/functions/_shared/outbound-media";
import type { UserClaims } from "../db/client";
import { config } from "../lib/config";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import { supabaseClient } from "../lib/supabase-client";
import { userTransaction } from "./user-transaction";

/** How long a signed media URL works: a page's images load well within it; the thread asks again after. */
export const MEDIA_URL_SECONDS = 600;

export const mediaUrlsSchema = z.record(z.string(), z.string().nullable());

/**
 * Short-lived signed URLs for a conversation's stored media (the member's and staff's), in one batch, signed with the member's own token so
 * Storage's policies decide (a path of another workspace gets null, never a URL). Paths must belong to the
 * conversation.
 */
export async function signMediaUrls(
  claims: UserClaims,
  accessToken: string,
  input: { conversationId: string; paths: string[] },
  log: Logger,
): Promise<Result<z.infer<typeof mediaUrlsSchema>>> {
  const allowed = await userTransaction(claims, log, "media.urls", async (tx) => {
    const [conversation] = await tx<{ workspaceId: string }[]>`
      select workspace_id as "workspaceId" from public.conversations where id = ${input.conversationId}`;
    if (!conversation) return fail("NOT_FOUND", "Conversation not found.");
    // A member's media, and the files staff sent (uploaded to the conversation's outbound folder, or saved replies').
    return ok([
      `${conversation.workspaceId}/${input.conversationId}/`,
      outboundFolder(conversation.workspaceId, input.conversationId),
      savedReplyFolder(conversation.workspaceId),
    ]);
  });
  if (!allowed.success) return allowed;
  const inConversation = [...new Set(input.paths)].filter((path) => allowed.data.some((folder) => path.startsWith(folder)));
  const urls: Record<string, string | null> = Object.fromEntries(input.paths.map((path) => [path, null]));
  if (inConversation.length === 0) return ok(urls);
  const storage = supabaseClient(config().SUPABASE_ANON_KEY, { accessToken }).storage.from(ATTACHMENTS_BUCKET);
  const signed = await storage.createSignedUrls(inConversation, MEDIA_URL_SECONDS);
  if (signed.error) {
    log.error("media.sign_failed", { status: (signed.error as { status?: number }).status ?? null });
    return fail("PROVIDER_ERROR", "Media could not be loaded right now. Try again.", { retryable: true });
  }
  for (const item of signed.data) if (item.path) urls[item.path] = item.signedUrl || null;
  return ok(urls);
}
