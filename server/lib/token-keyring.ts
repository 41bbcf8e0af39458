import { decryptToken, type Keyring, parseKeyring } from "../../supabase/functions/_shared/token-crypto";
import { config } from "./config";

let keyring: Promise<Keyring> | undefined;

/** The process's token keyring (TOKEN_ENCRYPTION_KEYS): the first key encrypts, every key decrypts. */
export function tokenKeyring(): Promise<Keyring> {
  keyring ??= parseKeyring(config().TOKEN_ENCRYPTION_KEYS);
  return keyring;
}

/** A channel's access token as stored (sealed to the channel's id), or null when it has none. */
export async function openChannelToken(
  ciphertext: string | null,
  keyId: string | null,
  channelId: string,
): Promise<string | null> {
  return ciphertext && keyId ? decryptToken(await tokenKeyring(), ciphertext, keyId, channelId) : null;
}
