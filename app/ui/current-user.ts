import { useQuery } from "@tanstack/react-query";
import { useCallback, useSyncExternalStore } from "react";
import { useTRPC } from "../trpc";

/** Which of their workspaces someone who belongs to several last chose, per browser (every tab follows). */
const CHOSEN_WORKSPACE_KEY = "frontdesk.workspace";
const listeners = new Set<() => void>();

function subscribe(listener: () => void) {
  listeners.add(listener);
  window.addEventListener("storage", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", listener);
  };
}

function chosenWorkspace(): string | null {
  try {
    return window.localStorage.getItem(CHOSEN_WORKSPACE_KEY);
  } catch {
    return null;
  }
}

export function chooseWorkspace(workspaceId: string) {
  try {
    window.localStorage.setItem(CHOSEN_WORKSPACE_KEY, workspaceId);
  } catch {
    // Storage refused (private mode, quota): the choice lasts until the page is reloaded.
  }
  for (const listener of listeners) listener();
}

/** The signed-in user, their workspaces, and the one the app shows: the last chosen, else their first. */
export function useCurrentUser() {
  const trpc = useTRPC();
  const me = useQuery(trpc.me.queryOptions());
  const chosen = useSyncExternalStore(subscribe, chosenWorkspace, () => null);
  const data = me.data?.success ? me.data.data : undefined;
  const workspaces = data?.workspaces ?? [];
  const workspace = workspaces.find((candidate) => candidate.id === chosen) ?? workspaces[0];
  const choose = useCallback((workspaceId: string) => chooseWorkspace(workspaceId), []);
  return { me, userId: data?.user.id, workspace, workspaces, chooseWorkspace: choose };
}
