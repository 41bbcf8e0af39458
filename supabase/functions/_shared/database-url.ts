/**
 * Whether a Postgres URL goes through a transaction pooler, where a connection is shared between transactions, so
 * prepared statements (kept per connection) cannot be used: Supavisor's port 6543, or any pooler named by
 * `?pgbouncer=true` (the convention Supabase documents for Prisma; PgBouncer in the tests).
 */
export function usesTransactionPooler(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.port === "6543" || parsed.searchParams.get("pgbouncer") === "true";
  } catch {
    return false;
  }
}

/** How to open a URL: without `pgbouncer=`, which is ours and not a Postgres setting, and whether to prepare. */
export function databaseConnection(url: string): { url: string; prepare: boolean } {
  const prepare = !usesTransactionPooler(url);
  try {
    const parsed = new URL(url);
    if (!parsed.searchParams.has("pgbouncer")) return { url, prepare };
    parsed.searchParams.delete("pgbouncer");
    return { url: parsed.toString(), prepare };
  } catch {
    return { url, prepare };
  }
}
