import {
  type ActionFunctionArgs,
  type HeadersFunction,
  json,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { AuthCard, FormAlert, SubmitButton, TextField } from "../auth/auth-card";
import { credentialFieldErrors, parseCredentials } from "../auth/credentials.server";
import { safeNextPath, supabaseForRequest } from "../auth/session.server";
import { signInWithPassword } from "../auth/sign-in.server";
import { signupIsOpen } from "../auth/sign-up.server";

export const meta: MetaFunction = () => [{ title: "Sign in · Frontdesk" }];

type ActionData = { formError?: string; fieldErrors?: Partial<Record<"email" | "password", string>>; email?: string };

/** A refused sign-in says when to try again (the action's Retry-After) on the page itself too. */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

export async function loader({ request }: LoaderFunctionArgs) {
  const { supabase, headers } = supabaseForRequest(request);
  const { data } = await supabase.auth.getClaims();
  const url = new URL(request.url);
  if (data?.claims) throw redirect(safeNextPath(url.searchParams.get("next"), url.origin), { headers });
  return json({ signupOpen: signupIsOpen() }, { headers });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const email = String(form.get("email") ?? "").trim();
  const parsed = parseCredentials({ email, password: form.get("password") ?? "" });
  if (!parsed.success) {
    return json<ActionData>({ fieldErrors: credentialFieldErrors(parsed.error.issues), email }, { status: 400 });
  }
  const signedIn = await signInWithPassword(request, context.clientIp, parsed.data);
  if (!signedIn.ok) {
    return json<ActionData>({ email, formError: signedIn.message }, { status: signedIn.status, headers: signedIn.headers });
  }
  throw redirect(safeNextPath(String(form.get("next") ?? ""), new URL(request.url).origin), { headers: signedIn.headers });
}

export default function Login() {
  const { signupOpen } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [searchParams] = useSearchParams();
  const submitting = navigation.state !== "idle" && navigation.formAction === "/login";
  return (
    <AuthCard title="Frontdesk" lead="Sign in to your gym's inbox.">
      <Form method="post" className="mt-6 space-y-4" noValidate>
        <input type="hidden" name="next" value={searchParams.get("next") ?? "/inbox"} />
        <FormAlert message={result?.formError} />
        <TextField
          name="email"
          type="email"
          label="Email"
          autoComplete="email"
          defaultValue={result?.email}
          error={result?.fieldErrors?.email}
        />
        <TextField
          name="password"
          type="password"
          label="Password"
          autoComplete="current-password"
          error={result?.fieldErrors?.password}
        />
        <SubmitButton busy={submitting} label="Sign in" busyLabel="Signing in…" />
      </Form>
      <p className="mt-4 text-sm">
        <Link to="/forgot-password" className="font-medium text-indigo-700 underline-offset-2 hover:underline">
          Forgot your password?
        </Link>
      </p>
      {signupOpen ? (
        <p className="mt-6 text-sm text-slate-700">
          New to Frontdesk?{" "}
          <Link to="/signup" className="font-medium text-indigo-700 underline-offset-2 hover:underline">
            Create an account
          </Link>
        </p>
      ) : null}
    </AuthCard>
  );
}
