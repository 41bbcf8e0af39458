import type { UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, fieldFailure, ok, type Result } from "../lib/result";
import { userTransaction } from "./user-transaction";
import { membershipIn } from "./workspace-membership";

export interface PipelineStage {
  id: string;
  name: string;
  position: number;
}

const forbidden = () => fail("FORBIDDEN", "Only managers and admins can change the pipeline.");
const stageNotFound = () => fail("NOT_FOUND", "This stage no longer exists.");

/** The workspace's stages in order, for everyone on the team; `canEdit` for managers and admins. */
export function listStages(
  claims: UserClaims,
  workspaceId: string,
  log: Logger,
): Promise<Result<{ stages: PipelineStage[]; canEdit: boolean }>> {
  return userTransaction(claims, log, "stages.list", async (tx) => {
    const membership = await membershipIn(tx, workspaceId);
    if (!membership) return fail("NOT_FOUND", "Workspace not found.");
    const stages = await tx<PipelineStage[]>`
      select s.id, s.name, s.position from public.pipeline_stages s where s.workspace_id = ${workspaceId}
      order by s.position, s.created_at`;
    return ok({ stages: [...stages], canEdit: membership.role !== "agent" });
  });
}

/** Creates (no id, at the end) or renames a stage (app.save_stage: managers and admins). */
export function saveStage(
  claims: UserClaims,
  input: { workspaceId: string; id?: string; name: string },
  log: Logger,
): Promise<Result<{ id: string }>> {
  return userTransaction(claims, log, "stages.save", async (tx) => {
    const [row] = await tx<{ outcome: string; stageId: string | null }[]>`
      select outcome, stage_id as "stageId" from app.save_stage(${input.workspaceId}, ${input.id ?? null}, ${input.name})`;
    switch (row?.outcome) {
      case "changed":
        return ok({ id: row.stageId ?? "" });
      case "taken":
        return fieldFailure("name", `There is already a stage called “${input.name.trim()}”.`);
      case "invalid":
        return fieldFailure("name", "Stages are 1–40 characters, and a pipeline has at most 20.");
      case "forbidden":
        return forbidden();
      default:
        return stageNotFound();
    }
  });
}

/** Puts every stage of the workspace in this order (app.reorder_stages: managers and admins). */
export function reorderStages(
  claims: UserClaims,
  input: { workspaceId: string; stageIds: string[] },
  log: Logger,
): Promise<Result<{ reordered: true }>> {
  return userTransaction(claims, log, "stages.reorder", async (tx) => {
    const [row] = await tx<{ outcome: string }[]>`
      select app.reorder_stages(${input.workspaceId}, ${input.stageIds}::uuid[]) as outcome`;
    if (row?.outcome === "changed") return ok({ reordered: true as const });
    if (row?.outcome === "forbidden") return forbidden();
    if (row?.outcome === "invalid") return fail("CONFLICT", "The stages changed meanwhile. Reload and try again.");
    return fail("NOT_FOUND", "Workspace not found.");
  });
}

/** Deletes a stage; its contacts leave the pipeline (app.delete_stage: managers and admins). */
export function deleteStage(claims: UserClaims, id: string, log: Logger): Promise<Result<{ deleted: true }>> {
  return userTransaction(claims, log, "stages.delete", async (tx) => {
    const [row] = await tx<{ outcome: string }[]>`select app.delete_stage(${id}) as outcome`;
    if (row?.outcome === "changed") return ok({ deleted: true as const });
    if (row?.outcome === "forbidden") return forbidden();
    return stageNotFound();
  });
}

/** Moves contacts into a stage, or out of the pipeline with null (app.set_contact_stage: anyone on the team). */
export function moveContactsToStage(
  claims: UserClaims,
  input: { workspaceId: string; contactIds: string[]; stageId: string | null },
  log: Logger,
): Promise<Result<{ moved: number }>> {
  return userTransaction(claims, log, "contacts.set_stage", async (tx) => {
    if (!(await membershipIn(tx, input.workspaceId))) return fail("NOT_FOUND", "Workspace not found.");
    if (input.stageId) {
      const [stage] =
        await tx`select 1 from public.pipeline_stages where id = ${input.stageId} and workspace_id = ${input.workspaceId}`;
      if (!stage) return stageNotFound();
    }
    const [row] = await tx<{ moved: number }[]>`
      select app.set_contact_stage(${input.workspaceId}, ${input.contactIds}::uuid[], ${input.stageId}) as moved`;
    return ok({ moved: row?.moved ?? 0 });
  });
}
