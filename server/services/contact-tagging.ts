import type { UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, fieldFailure, ok, type Result } from "../lib/result";
import { userTransaction } from "./user-transaction";
import { membershipIn } from "./workspace-membership";

/**
 * Puts a tag on contacts by its name (app.tag_contacts): anyone on the team applies an existing tag; a name that is
 * no tag yet becomes one only for managers and admins.
 */
export function tagContacts(
  claims: UserClaims,
  input: { workspaceId: string; contactIds: string[]; name: string },
  log: Logger,
): Promise<Result<{ tagId: string; tagged: number }>> {
  return userTransaction(claims, log, "contacts.tag", async (tx) => {
    const [row] = await tx<{ outcome: string; tagId: string | null; tagged: number }[]>`
      select outcome, tag_id as "tagId", tagged from app.tag_contacts(${input.workspaceId}, ${input.contactIds}::uuid[], ${input.name})`;
    switch (row?.outcome) {
      case "changed":
        return ok({ tagId: row.tagId ?? "", tagged: row.tagged });
      case "forbidden": {
        const message = `There is no tag “${input.name.trim()}”. Pick an existing tag; managers and admins create new ones.`;
        return fail("FORBIDDEN", message, { details: { fieldErrors: { name: [message] } } });
      }
      case "invalid":
        return fieldFailure("name", "Tags are 1–40 characters.");
      default:
        return fail("NOT_FOUND", "Contact not found.");
    }
  });
}

/** Takes a tag off contacts (app.untag_contacts): how many it came off. */
export function untagContacts(
  claims: UserClaims,
  input: { workspaceId: string; contactIds: string[]; tagId: string },
  log: Logger,
): Promise<Result<{ untagged: number }>> {
  return userTransaction(claims, log, "contacts.untag", async (tx) => {
    if (!(await membershipIn(tx, input.workspaceId))) return fail("NOT_FOUND", "Workspace not found.");
    const [row] = await tx<{ untagged: number }[]>`
      select app.untag_contacts(${input.workspaceId}, ${input.contactIds}::uuid[], ${input.tagId}) as untagged`;
    return ok({ untagged: row?.untagged ?? 0 });
  });
}
