import { json, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Link } from "@remix-run/react";
import type { EmailOtpType } from "@supabase/supabase-js";
import { AuthCard } from "../auth/auth-card";
import { safeNextPath, supabaseForRequest } from "../auth/session.server";

export const meta: MetaFunction = () => [{ title: "Confirm your email · Frontdesk" }];

/**
 * The email link types this route accepts (@supabase/ssr's token_hash flow), and where each goes once signed in: a
 * confirmed sign-up founds its gym; an invitee and someone resetting their password choose a password first.
 */
const NEXT_BY_TYPE: Partial<Record<EmailOtpType, string>> = {
  email: "/welcome",
  signup: "/welcome",
  invite: "/account?welcome=1",
  recovery: "/account?reset=1",
};

/**
 * Where Auth's emails link (supabase/templates): the token hash is exchanged for a session, set as cookies, and the
 * person goes on (NEXT_BY_TYPE, or `next`). A used, expired or mangled link gets a page that says so.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const tokenHash = url.searchParams.get("token_hash");
  const type = url.searchParams.get("type") as EmailOtpType | null;
  const next = type ? NEXT_BY_TYPE[type] : undefined;
  if (tokenHash && type && next) {
    const { supabase, headers } = supabaseForRequest(request);
    const { error } = await supabase.auth.verifyOtp({ type, token_hash: tokenHash });
    if (!error) throw redirect(safeNextPath(url.searchParams.get("next") ?? next, url.origin), { headers });
  }
  return json(null, { status: 400 });
}

export default function ConfirmEmail() {
  return (
    <AuthCard
      title="This link no longer works"
      lead="It was already used, it expired (links work for an hour), or it was cut short."
    >
      <p className="mt-6 text-sm text-slate-700">
        An invitation? Ask your gym&apos;s admin to send it again. A password reset?{" "}
        <Link to="/forgot-password" className="font-medium text-indigo-700 underline-offset-2 hover:underline">
          Ask for a new link
        </Link>
        .
      </p>
      <p className="mt-4 text-sm text-slate-700">
        If you confirmed already,{" "}
        <Link to="/login" className="font-medium text-indigo-700 underline-offset-2 hover:underline">
          sign in
        </Link>
        . Otherwise{" "}
        <Link to="/signup" className="font-medium text-indigo-700 underline-offset-2 hover:underline">
          sign up again
        </Link>{" "}
        with the same email for a new link.
      </p>
    </AuthCard>
  );
}
