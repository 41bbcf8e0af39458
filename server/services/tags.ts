import type { TagColour } from "../../supabase/functions/_shared/contact-taxonomy";
import type { UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, fieldFailure, ok, type Result } from "../lib/result";
import { userTransaction } from "./user-transaction";
import { membershipIn } from "./workspace-membership";

export interface Tag {
  id: string;
  name: string;
  colour: TagColour;
  /** How many contacts wear it. */
  contacts: number;
}

const forbidden = () => fail("FORBIDDEN", "Only managers and admins can change the workspace's tags.");
const tagNotFound = () => fail("NOT_FOUND", "This tag no longer exists.");

/** The workspace's tags by name, for everyone on the team; `canEdit` for managers and admins. */
export function listTags(
  claims: UserClaims,
  workspaceId: string,
  log: Logger,
): Promise<Result<{ tags: Tag[]; canEdit: boolean }>> {
  return userTransaction(claims, log, "tags.list", async (tx) => {
    const membership = await membershipIn(tx, workspaceId);
    if (!membership) return fail("NOT_FOUND", "Workspace not found.");
    const tags = await tx<Tag[]>`
      select t.id, t.name, t.colour, (select count(*)::int from public.contact_tags ctg where ctg.tag_id = t.id) as contacts
      from public.tags t where t.workspace_id = ${workspaceId} order by lower(t.name)`;
    return ok({ tags: [...tags], canEdit: membership.role !== "agent" });
  });
}

/** Creates (no id) or renames / recolours a tag (app.save_tag: managers and admins). */
export function saveTag(
  claims: UserClaims,
  input: { workspaceId: string; id?: string; name: string; colour: TagColour },
  log: Logger,
): Promise<Result<{ id: string }>> {
  return userTransaction(claims, log, "tags.save", async (tx) => {
    const [row] = await tx<{ outcome: string; tagId: string | null }[]>`
      select outcome, tag_id as "tagId" from app.save_tag(${input.workspaceId}, ${input.id ?? null}, ${input.name}, ${input.colour})`;
    switch (row?.outcome) {
      case "changed":
        return ok({ id: row.tagId ?? "" });
      case "taken":
        return fieldFailure("name", `There is already a tag called “${input.name.trim()}”. Merge into it instead.`);
      case "invalid":
        return fieldFailure("name", "Tags are 1–40 characters.");
      case "forbidden":
        return forbidden();
      default:
        return tagNotFound();
    }
  });
}

/** Deletes a tag from every contact, or merges it into another first (app.delete_tag: managers and admins). */
export function deleteTag(
  claims: UserClaims,
  input: { id: string; intoId?: string },
  log: Logger,
): Promise<Result<{ deleted: true }>> {
  return userTransaction(claims, log, "tags.delete", async (tx) => {
    const [row] = await tx<{ outcome: string }[]>`select app.delete_tag(${input.id}, ${input.intoId ?? null}) as outcome`;
    if (row?.outcome === "changed") return ok({ deleted: true as const });
    if (row?.outcome === "forbidden") return forbidden();
    if (row?.outcome === "invalid") return fieldFailure("intoId", "Choose another tag of this workspace to merge into.");
    return tagNotFound();
  });
}
