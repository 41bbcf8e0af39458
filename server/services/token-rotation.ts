import { decryptToken, encryptToken, type Keyring } from "../../supabase/functions/_shared/token-crypto";
import { asService } from "../db/client";
import type { Logger } from "../lib/logger";
import { attemptAad } from "./facebook-connect";

export interface RotationReport {
  rotated: number;
  /** Rows whose key is missing from the keyring or whose ciphertext does not open: left untouched. */
  unreadable: { table: string; id: string }[];
}

/** Every sealed token column, with the associated data each was sealed to. */
const SEALED_COLUMNS = [
  { table: "channel_accounts", ciphertext: "access_token_ciphertext", keyId: "access_token_key_id", aad: (id: string) => id },
  { table: "channel_connect_attempts", ciphertext: "user_token_ciphertext", keyId: "user_token_key_id", aad: attemptAad },
] as const;

/**
 * Re-encrypts every token not yet under the keyring's first key, one row per transaction with the
 * row locked, so sending and ingest keep working throughout. Run after deploying the new keyring
 * (new key first, old keys after) everywhere tokens are read: the app and the edge function.
 */
export async function rotateTokenKeys(keyring: Keyring, log: Logger): Promise<RotationReport> {
  const report: RotationReport = { rotated: 0, unreadable: [] };
  for (const column of SEALED_COLUMNS) {
    const ids = await asService(
      (tx) =>
        tx<{ id: string }[]>`
        select id from public.${tx(column.table)}
        where ${tx(column.ciphertext)} is not null and ${tx(column.keyId)} <> ${keyring.current}`,
    );
    for (const { id } of ids) {
      const rotated = await asService(async (tx) => {
        const [row] = await tx<{ ciphertext: string | null; key_id: string | null }[]>`
          select ${tx(column.ciphertext)} as ciphertext, ${tx(column.keyId)} as key_id
          from public.${tx(column.table)} where id = ${id} for update`;
        if (!row?.ciphertext || !row.key_id || row.key_id === keyring.current) return true;
        const token = await decryptToken(keyring, row.ciphertext, row.key_id, column.aad(id));
        if (token === null) return false;
        const sealed = await encryptToken(keyring, token, column.aad(id));
        await tx`update public.${tx(column.table)}
                 set ${tx(column.ciphertext)} = ${sealed.ciphertext}, ${tx(column.keyId)} = ${sealed.keyId}
                 where id = ${id}`;
        return true;
      });
      if (rotated) report.rotated += 1;
      else {
        report.unreadable.push({ table: column.table, id });
        log.warn("tokens.rotation_unreadable", { table: column.table, id });
      }
    }
  }
  log.info("tokens.rotated", { rotated: report.rotated, unreadable: report.unreadable.length, keyId: keyring.current });
  return report;
}
