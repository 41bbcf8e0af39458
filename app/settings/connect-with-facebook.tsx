import { useMutation } from "@tanstack/react-query";
import { useTRPC } from "../trpc";

/** Starts Meta's OAuth dialog; the callback brings the admin back to pick Pages. */
export function ConnectWithFacebook({
  workspaceId,
  label,
  onError,
}: {
  workspaceId: string;
  label: string;
  onError: (message: string) => void;
}) {
  const trpc = useTRPC();
  const begin = useMutation(
    trpc.channels.beginConnect.mutationOptions({
      onSuccess: (result) => {
        if (result.success) window.location.assign(result.data.dialogUrl);
        else onError(result.error.message);
      },
      onError: () => onError("Could not reach Frontdesk. Check your connection."),
    }),
  );
  return (
    <button
      type="button"
      onClick={() => begin.mutate({ workspaceId })}
      disabled={begin.isPending || begin.data?.success}
      className="whitespace-nowrap rounded-md bg-blue-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-blue-800 disabled:opacity-60"
    >
      {begin.isPending || begin.data?.success ? "Opening Facebook…" : label}
    </button>
  );
}
