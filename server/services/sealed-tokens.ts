import { decryptToken } from "../../supabase/functions/_shared/token-crypto";
import type { UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { ok } from "../lib/result";
import { tokenKeyring } from "../lib/token-keyring";
import { verifiedTransaction } from "./user-transaction";

/**
 * A channel's or a connect attempt's token, decrypted, for an admin's request; null when there is none or
 * the caller is not that admin. app.sealed_token_for_admin is service-role only: not even its ciphertext is
 * reachable with a user's token.
 */
export async function openSealedToken(
  claims: UserClaims,
  log: Logger,
  kind: "channel" | "attempt",
  target: string,
  associatedData: string,
): Promise<string | null> {
  const sealed = await verifiedTransaction(claims, log, `tokens.open_${kind}`, async (tx) => {
    const [row] = await tx<{ ciphertext: string | null; key_id: string | null }[]>`
      select ciphertext, key_id from app.sealed_token_for_admin(${kind}, ${target})`;
    return ok(row);
  });
  if (!sealed.success || !sealed.data?.ciphertext || !sealed.data.key_id) return null;
  return decryptToken(await tokenKeyring(), sealed.data.ciphertext, sealed.data.key_id, associatedData);
}
