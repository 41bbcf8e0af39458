import { type Tx, type UserClaims, withUser } from "../db/client";
import { describeError, type Logger } from "../lib/logger";
import { fail, type Result } from "../lib/result";

class RollbackWith extends Error {
  constructor(readonly result: Result<never>) {
    super("rollback");
  }
}

/**
 * Runs a service operation in one transaction as the user (RLS applies). Returning a failure rolls the
 * transaction back; an unexpected database error is logged by operation name and becomes DB_ERROR.
 */
export async function userTransaction<T>(
  claims: UserClaims,
  log: Logger,
  operation: string,
  fn: (tx: Tx) => Promise<Result<T>>,
): Promise<Result<T>> {
  try {
    return await withUser(claims, async (tx) => {
      const result = await fn(tx);
      if (!result.success) throw new RollbackWith(result);
      return result;
    });
  } catch (error) {
    if (error instanceof RollbackWith) return error.result;
    log.error("service.db_error", { operation, ...describeError(error) });
    return fail("DB_ERROR", "The database could not complete this. Try again.", { retryable: true });
  }
}
