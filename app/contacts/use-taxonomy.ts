import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../trpc";

/** The workspace's tags, stages and fields, as every contacts view needs them (one cache entry each). */
export function useTaxonomy(workspaceId: string) {
  const trpc = useTRPC();
  const tags = useQuery(trpc.tags.list.queryOptions({ workspaceId }));
  const stages = useQuery(trpc.stages.list.queryOptions({ workspaceId }));
  const fields = useQuery(trpc.contactFields.list.queryOptions({ workspaceId }));
  return {
    tags: tags.data?.success ? tags.data.data.tags : [],
    stages: stages.data?.success ? stages.data.data.stages : [],
    fields: fields.data?.success ? fields.data.data.fields : [],
    /** Managers and admins define tags, stages and fields. */
    canEdit: tags.data?.success ? tags.data.data.canEdit : false,
  };
}
