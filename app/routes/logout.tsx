import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { supabaseForRequest } from "../auth/session.server";

export async function action({ request }: ActionFunctionArgs) {
  const { supabase, headers } = supabaseForRequest(request);
  // Only this browser: a shared front-desk computer must not sign staff out elsewhere.
  await supabase.auth.signOut({ scope: "local" });
  throw redirect("/login", { headers });
}

export const loader = () => redirect("/inbox");
