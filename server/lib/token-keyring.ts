import { type Keyring, parseKeyring } from "../../supabase/functions/_shared/token-crypto";
import { config } from "./config";

let keyring: Promise<Keyring> | undefined;

/** The process's token keyring (TOKEN_ENCRYPTION_KEYS): the first key encrypts, every key decrypts. */
export function tokenKeyring(): Promise<Keyring> {
  keyring ??= parseKeyring(config().TOKEN_ENCRYPTION_KEYS);
  return keyring;
}
