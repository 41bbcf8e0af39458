import { asServiceFor, type Tx, type UserClaims, withUser } from "../db/client";
import { describeError, type Logger } from "../lib/logger";
import { fail, type Result } from "../lib/result";

class RollbackWith extends Error {
  constructor(readonly result: Result<never>) {
    super("rollback");
  }
}

type Begin = <T>(claims: UserClaims, fn: (tx: Tx) => Promise<T>) => Promise<T>;

async function inTransaction<T>(
  begin: Begin,
  claims: UserClaims,
  log: Logger,
  operation: string,
  fn: (tx: Tx) => Promise<Result<T>>,
): Promise<Result<T>> {
  try {
    return await begin(claims, async (tx) => {
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

/**
 * Runs a service operation in one transaction as the user (RLS applies). Returning a failure rolls the
 * transaction back; an unexpected database error is logged by operation name and becomes DB_ERROR.
 */
export function userTransaction<T>(
  claims: UserClaims,
  log: Logger,
  operation: string,
  fn: (tx: Tx) => Promise<Result<T>>,
): Promise<Result<T>> {
  return inTransaction(withUser, claims, log, operation, fn);
}

/**
 * The same, as service_role on the user's behalf (asServiceFor): only for the writes the server makes after
 * verifying something (with Meta, or that this deployment allows it), through functions that still check the user.
 */
export function verifiedTransaction<T>(
  claims: UserClaims,
  log: Logger,
  operation: string,
  fn: (tx: Tx) => Promise<Result<T>>,
): Promise<Result<T>> {
  return inTransaction(asServiceFor, claims, log, operation, fn);
}
