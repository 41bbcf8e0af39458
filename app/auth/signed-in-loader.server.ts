import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { browserSupabaseSettings, requireUser } from "./session.server";

/**
 * Every signed-in page's loader (settings, contacts): signed in (else to /login and back), the email its header shows, and where the
 * browser uploads to (a saved reply's file goes straight to Storage).
 */
export async function signedInLoader({ request }: LoaderFunctionArgs) {
  const { claims, headers } = await requireUser(request);
  return json({ email: typeof claims.email === "string" ? claims.email : "", project: browserSupabaseSettings() }, { headers });
}
