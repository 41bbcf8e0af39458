import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "../auth/session.server";

/** Every settings page's loader: signed in (else to /login and back), and the email its header shows. */
export async function settingsLoader({ request }: LoaderFunctionArgs) {
  const { claims, headers } = await requireUser(request);
  return json({ email: typeof claims.email === "string" ? claims.email : "" }, { headers });
}
