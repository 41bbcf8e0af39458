/**
 * Whether a Postgres URL goes through Supavisor's transaction pooler (port 6543), where a connection is shared
 * between transactions, so prepared statements (kept per connection) cannot be used.
 */
export function usesTransactionPooler(url: string): boolean {
  try {
    return new URL(url).port === "6543";
  } catch {
    return false;
  }
}
