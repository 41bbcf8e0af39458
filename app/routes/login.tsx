import {
  type ActionFunctionArgs,
  type HeadersFunction,
  json,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { parseCredentials } from "../auth/credentials.server";
import { safeNextPath, supabaseForRequest } from "../auth/session.server";
import { signInWithPassword } from "../auth/sign-in.server";

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
  return json(null, { headers });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const email = String(form.get("email") ?? "").trim();
  const parsed = parseCredentials({ email, password: form.get("password") ?? "" });
  if (!parsed.success) {
    const fieldErrors: ActionData["fieldErrors"] = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if (field === "email" || field === "password") fieldErrors[field] ??= issue.message;
    }
    return json<ActionData>({ fieldErrors, email }, { status: 400 });
  }
  const signedIn = await signInWithPassword(request, context.clientIp, parsed.data);
  if (!signedIn.ok) {
    return json<ActionData>({ email, formError: signedIn.message }, { status: signedIn.status, headers: signedIn.headers });
  }
  throw redirect(safeNextPath(String(form.get("next") ?? ""), new URL(request.url).origin), { headers: signedIn.headers });
}

export default function Login() {
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [searchParams] = useSearchParams();
  const submitting = navigation.state !== "idle" && navigation.formAction === "/login";
  return (
    <main className="flex min-h-full items-center justify-center p-6">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-2xl font-semibold tracking-tight">Frontdesk</h1>
        <p className="mt-1 text-sm text-slate-600">Sign in to your gym&apos;s inbox.</p>
        <Form method="post" className="mt-6 space-y-4" noValidate>
          <input type="hidden" name="next" value={searchParams.get("next") ?? "/inbox"} />
          {result?.formError ? (
            <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
              {result.formError}
            </p>
          ) : null}
          <label className="block">
            <span className="text-sm font-medium">Email</span>
            <input
              name="email"
              type="email"
              autoComplete="email"
              required
              defaultValue={result?.email}
              aria-invalid={Boolean(result?.fieldErrors?.email)}
              aria-describedby={result?.fieldErrors?.email ? "email-error" : undefined}
              className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500"
            />
            {result?.fieldErrors?.email ? (
              <span id="email-error" className="mt-1 block text-sm text-red-700">
                {result.fieldErrors.email}
              </span>
            ) : null}
          </label>
          <label className="block">
            <span className="text-sm font-medium">Password</span>
            <input
              name="password"
              type="password"
              autoComplete="current-password"
              required
              aria-invalid={Boolean(result?.fieldErrors?.password)}
              aria-describedby={result?.fieldErrors?.password ? "password-error" : undefined}
              className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500"
            />
            {result?.fieldErrors?.password ? (
              <span id="password-error" className="mt-1 block text-sm text-red-700">
                {result.fieldErrors.password}
              </span>
            ) : null}
          </label>
          <button
            type="submit"
            disabled={submitting}
            className="w-full rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700 disabled:opacity-60"
          >
            {submitting ? "Signing in…" : "Sign in"}
          </button>
        </Form>
      </div>
    </main>
  );
}
