import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../trpc";

/** The signed-in user and the workspace the inbox shows (their first, until there is a switcher). */
export function useCurrentUser() {
  const trpc = useTRPC();
  const me = useQuery(trpc.me.queryOptions());
  const data = me.data?.success ? me.data.data : undefined;
  return { me, userId: data?.user.id, workspace: data?.workspaces[0] };
}
