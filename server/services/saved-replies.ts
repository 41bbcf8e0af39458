import { fieldVariable, REPLY_VARIABLES, unknownVariables } from "../../supabase/functions/_shared/reply-variables";
import type { UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, ok, type Result } from "../lib/result";
import { userTransaction } from "./user-transaction";
import { membershipIn } from "./workspace-membership";

export interface SavedReply {
  id: string;
  shortcut: string;
  body: string;
  /** Its file, as Storage keeps it (in the workspace's saved-replies folder), or null. */
  attachment: { storedPath: string; name: string; mimeType: string; size: number } | null;
  updatedAt: Date;
}

/** A gym's saved replies, by shortcut, for everyone on the team; `canEdit` for managers and admins. */
export function listSavedReplies(
  claims: UserClaims,
  workspaceId: string,
  log: Logger,
): Promise<Result<{ replies: SavedReply[]; canEdit: boolean }>> {
  return userTransaction(claims, log, "saved_replies.list", async (tx) => {
    const membership = await membershipIn(tx, workspaceId);
    if (!membership) return fail("NOT_FOUND", "Workspace not found.");
    const replies = await tx<SavedReply[]>`
      select r.id, r.shortcut, r.body, r.updated_at as "updatedAt",
             case when r.attachment_path is not null then jsonb_build_object(
               'storedPath', r.attachment_path,
               'name', regexp_replace(r.attachment_path, '^.*/[0-9a-f-]{36}-', ''),
               'mimeType', coalesce(o.metadata ->> 'mimetype', 'application/octet-stream'),
               'size', coalesce((o.metadata ->> 'size')::bigint, 0)) end as attachment
      from public.saved_replies r
      left join storage.objects o on o.bucket_id = 'attachments' and o.name = r.attachment_path
      where r.workspace_id = ${workspaceId} order by r.shortcut`;
    return ok({ replies: [...replies], canEdit: membership.role !== "agent" });
  });
}

const refused = (field: "shortcut" | "body" | "attachment", problem: string) =>
  fail("VALIDATION", problem, { details: { fieldErrors: { [field]: [problem] } } });

/** Creates (no id) or edits a saved reply (app.save_saved_reply: managers and admins). Unknown variables are refused. */
export function saveSavedReply(
  claims: UserClaims,
  input: { workspaceId: string; id?: string; shortcut: string; body: string; attachmentPath?: string | null },
  log: Logger,
): Promise<Result<{ id: string }>> {
  return userTransaction(claims, log, "saved_replies.save", async (tx) => {
    const fieldKeys = (
      await tx<{ key: string }[]>`
      select f.key from public.contact_fields f where f.workspace_id = ${input.workspaceId} order by f.position`
    ).map((f) => f.key);
    const unknown = unknownVariables(input.body, fieldKeys);
    if (unknown.length > 0) {
      const known = [...Object.keys(REPLY_VARIABLES), ...fieldKeys.map(fieldVariable)].map((name) => `{{${name}}}`).join(", ");
      return refused("body", `Unknown ${unknown.map((name) => `{{${name}}}`).join(", ")}. You can use ${known}.`);
    }
    const [row] = await tx<{ outcome: string; replyId: string | null }[]>`
      select outcome, reply_id as "replyId" from app.save_saved_reply(${input.workspaceId}, ${input.id ?? null}, ${input.shortcut},
                                                                     ${input.body}, ${input.attachmentPath ?? null})`;
    switch (row?.outcome) {
      case "changed":
        return ok({ id: row.replyId ?? "" });
      case "taken":
        return refused("shortcut", `Another saved reply already uses /${input.shortcut}.`);
      case "invalid":
        return refused("shortcut", "Shortcuts are 1–32 lowercase letters, digits, - or _.");
      case "no_file":
        return refused("attachment", "The file's upload did not finish. Attach it again.");
      case "forbidden":
        return fail("FORBIDDEN", "Only managers and admins can change saved replies.");
      default:
        return fail("NOT_FOUND", "This saved reply no longer exists.");
    }
  });
}

export function deleteSavedReply(claims: UserClaims, id: string, log: Logger): Promise<Result<{ deleted: true }>> {
  return userTransaction(claims, log, "saved_replies.delete", async (tx) => {
    const [row] = await tx<{ outcome: string }[]>`select app.delete_saved_reply(${id}) as outcome`;
    if (row?.outcome === "changed") return ok({ deleted: true as const });
    if (row?.outcome === "forbidden") return fail("FORBIDDEN", "Only managers and admins can change saved replies.");
    return fail("NOT_FOUND", "This saved reply no longer exists.");
  });
}
