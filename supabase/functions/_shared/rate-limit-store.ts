/**
 * rate-limiter-flexible's Postgres store speaks node-postgres (`query({ text, values }) → { rows }`); this
 * adapts a postgres.js client to it, in Node and Deno alike. The table is app.rate_limits (its migration).
 */
interface UnsafeSql {
  unsafe(text: string, values?: never[]): PromiseLike<unknown[]>;
}

export const RATE_LIMIT_TABLE = { schemaName: "app", tableName: "rate_limits", tableCreated: true } as const;

export function rateLimitStore(sql: UnsafeSql) {
  return {
    query: async ({ text, values }: { text: string; values?: unknown[] }) => ({
      rows: await sql.unsafe(text, (values ?? []) as never[]),
    }),
  };
}

/** Keys never hold an email address or an IP in the clear. */
export async function hashedKey(subject: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(subject));
  return Array.from(new Uint8Array(digest).slice(0, 16), (byte) => byte.toString(16).padStart(2, "0")).join("");
}
