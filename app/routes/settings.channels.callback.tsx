import { type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { trpcCallerFor } from "../api/trpc.server";

/**
 * Where Meta's OAuth dialog sends the admin back. The outcome travels as a fixed key, never as text
 * from the URL, so nobody can make this page show words of their choosing.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const { caller, headers } = await trpcCallerFor(request);
  const result = await caller.channels.completeConnect({
    state: url.searchParams.get("state") ?? "",
    code: url.searchParams.get("code") ?? undefined,
    error: url.searchParams.get("error") ?? undefined,
  });
  if (result.success) throw redirect(`/settings/channels?attempt=${result.data.attemptId}`, { headers });
  if (result.error.code === "UNAUTHORIZED")
    throw redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, { headers });
  const problem = url.searchParams.get("error") ? "cancelled" : result.error.code === "FORBIDDEN" ? "invalid" : "meta";
  throw redirect(`/settings/channels?problem=${problem}`, { headers });
}
