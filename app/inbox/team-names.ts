import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../trpc";

/**
 * How the thread and the panel name a teammate: their name (or email), and "You" for the signed-in user.
 * One query per workspace, shared by everything that names people.
 */
export function useTeamNames(workspaceId: string, userId: string | undefined) {
  const trpc = useTRPC();
  const team = useQuery(trpc.team.list.queryOptions({ workspaceId }));
  const members = team.data?.success ? team.data.data : [];
  return {
    members,
    nameOf(id: string | null): string | null {
      if (!id) return null;
      if (id === userId) return "You";
      const member = members.find((m) => m.userId === id);
      return member ? (member.name ?? member.email) : null;
    },
  };
}
