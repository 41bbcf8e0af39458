import { readFile } from "node:fs/promises";
import path from "node:path";
import postgres from "postgres";
import { LOCAL_DEFAULTS } from "../../server/lib/config";
import { createLogger } from "../../server/lib/logger";
import { installQueueSchema } from "../../server/worker/queue-schema";
import { encryptToken, parseKeyring } from "../../supabase/functions/_shared/token-crypto";
import { DEMO_FACEBOOK_USER } from "../meta/accounts";
import { applyMigrations } from "./migrate";

const DEMO_WHATSAPP_TOKEN = DEMO_FACEBOOK_USER.whatsapp[0]?.token ?? "";

const root = path.resolve(import.meta.dirname, "../..");
const MIGRATIONS_DIR = path.join(root, "supabase/migrations");
const SURFACE_SQL = path.join(import.meta.dirname, "supabase-surface.sql");
const SEED_SQL = path.join(root, "supabase/seed.sql");

/** Local password of the `frontdesk_api` login role (hosted projects set their own). */
const LOCAL_API_ROLE_PASSWORD = "frontdesk-api-local";

export interface PreparedDatabase {
  migrationsApplied: string[];
  seeded: boolean;
}

/**
 * Makes a bare local cluster look like a Supabase database, applies our migrations, and (for
 * `npm start`) seeds the demo workspace when the database has none.
 */
export async function prepareDatabase(
  superuserUrl: string,
  options: { seedDemo: boolean; demoPassword?: string },
): Promise<PreparedDatabase> {
  const sql = postgres(superuserUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(await readFile(SURFACE_SQL, "utf8")).simple();
    // The job queue's schema first: our migrations' triggers enqueue into it.
    await installQueueSchema(superuserUrl, createLogger({ component: "queue-schema" }, "warn"));
    const migrationsApplied = await applyMigrations(sql, MIGRATIONS_DIR);
    await sql.unsafe(`alter role frontdesk_api with password '${LOCAL_API_ROLE_PASSWORD}'`);
    let seeded = false;
    if (options.seedDemo) {
      const [workspaces] = await sql<{ count: number }[]>`select count(*)::int as count from public.workspaces`;
      if (workspaces?.count === 0) {
        await sql.begin(async (tx) => {
          await tx`select set_config('frontdesk.demo_password', ${options.demoPassword ?? ""}, true)`;
          await tx.unsafe(await readFile(SEED_SQL, "utf8")).simple();
          // Tokens for the demo channels, so replies reach the Meta simulator; SQL cannot do AES-GCM.
          const keyring = await parseKeyring(LOCAL_DEFAULTS.TOKEN_ENCRYPTION_KEYS);
          for (const { id, provider } of await tx<
            { id: string; provider: string }[]
          >`select id, provider from public.channel_accounts where access_token_ciphertext is null`) {
            // WhatsApp's is the simulator's demo account token: its templates are listed only with it.
            const token = provider === "whatsapp" ? DEMO_WHATSAPP_TOKEN : `demo-page-token-${id.slice(0, 8)}`;
            const sealed = await encryptToken(keyring, token, id);
            await tx`update public.channel_accounts set access_token_ciphertext = ${sealed.ciphertext}, access_token_key_id = ${sealed.keyId}
                     where id = ${id}`;
          }
        });
        seeded = true;
      }
    }
    return { migrationsApplied, seeded };
  } finally {
    await sql.end();
  }
}

/** The URL user requests use: same server, the `frontdesk_api` login role. */
export function apiRoleUrl(superuserUrl: string): string {
  const url = new URL(superuserUrl);
  url.username = "frontdesk_api";
  url.password = LOCAL_API_ROLE_PASSWORD;
  return url.toString();
}
