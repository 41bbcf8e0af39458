import { type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { logger } from "../../server/lib/logger";
import { completeFacebookConnect } from "../../server/services/channel-connections";
import { requireClaims } from "../auth/session.server";

/**
 * Where Meta's OAuth dialog sends the admin back. The outcome travels as a fixed key, never as text
 * from the URL, so nobody can make this page show words of their choosing.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { claims, headers } = await requireClaims(request);
  const url = new URL(request.url);
  const log = logger.child({ requestId: request.headers.get("x-request-id") ?? crypto.randomUUID() });
  const result = await completeFacebookConnect(
    claims,
    {
      state: url.searchParams.get("state") ?? "",
      code: url.searchParams.get("code") ?? undefined,
      error: url.searchParams.get("error") ?? undefined,
    },
    log,
  );
  if (result.success) throw redirect(`/settings/channels?attempt=${result.data.attemptId}`, { headers });
  const problem = url.searchParams.get("error") ? "cancelled" : result.error.code === "FORBIDDEN" ? "invalid" : "meta";
  throw redirect(`/settings/channels?problem=${problem}`, { headers });
}
