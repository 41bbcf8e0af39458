import type { UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import { userTransaction } from "./user-transaction";

/** A member's media the worker gave up on, asked for again (`app.retry_media`): any member of the workspace may. */
export function retryMedia(claims: UserClaims, messageId: string, log: Logger): Promise<Result<{ retried: boolean }>> {
  return userTransaction(claims, log, "messages.retry_media", async (tx) => {
    const [row] = await tx<{ outcome: "changed" | "unchanged" | "not_found" }[]>`select app.retry_media(${messageId}) as outcome`;
    if (row?.outcome === "not_found") return fail("NOT_FOUND", "Message not found.");
    return ok({ retried: row?.outcome === "changed" });
  });
}
