import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AuthCard, FormAlert, SubmitButton, TextField } from "../auth/auth-card";
import { credentialFieldErrors } from "../auth/credentials.server";
import { supabaseForRequest } from "../auth/session.server";
import { signUp, signUpSchema, signupIsOpen } from "../auth/sign-up.server";

export const meta: MetaFunction = () => [{ title: "Sign up · Frontdesk" }];

type ActionData =
  | { sent: true; email: string; notice?: string }
  | { sent?: false; email: string; formError?: string; fieldErrors?: Partial<Record<"email" | "password", string>> };

export async function loader({ request }: LoaderFunctionArgs) {
  const { supabase, headers } = supabaseForRequest(request);
  const { data } = await supabase.auth.getClaims();
  if (data?.claims) throw redirect("/welcome", { headers });
  return json({ open: signupIsOpen() }, { headers });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const email = String(form.get("email") ?? "").trim();
  if (form.get("intent") === "resend") {
    const resent = await signUp(request, context.clientIp, { email, resend: true });
    return json<ActionData>(
      { sent: true, email, notice: resent.ok ? "Sent again. It can take a minute to arrive." : resent.message },
      { status: resent.ok ? 200 : resent.status },
    );
  }
  const parsed = signUpSchema.safeParse({ email, password: form.get("password") ?? "" });
  if (!parsed.success) {
    return json<ActionData>({ email, fieldErrors: credentialFieldErrors(parsed.error.issues) }, { status: 400 });
  }
  const outcome = await signUp(request, context.clientIp, parsed.data);
  if (outcome.ok) return json<ActionData>({ sent: true, email: parsed.data.email });
  const body: ActionData = outcome.field
    ? { email, fieldErrors: { [outcome.field]: outcome.message } }
    : { email, formError: outcome.message };
  return json<ActionData>(body, { status: outcome.status, headers: outcome.headers });
}

export default function SignUp() {
  const { open } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const submitting = navigation.state !== "idle" && navigation.formAction === "/signup";
  if (!open) {
    return (
      <AuthCard title="Frontdesk is invite-only here" lead="This deployment does not take sign-ups.">
        <p className="mt-6 text-sm text-slate-700">
          Ask your gym&apos;s admin to invite you; the invitation email has a link to set your password.
        </p>
        <p className="mt-6 text-sm">
          <Link to="/login" className="font-medium text-indigo-700 underline-offset-2 hover:underline">
            Sign in
          </Link>{" "}
          if you already have an account.
        </p>
      </AuthCard>
    );
  }
  if (result?.sent) {
    return (
      <AuthCard title="Check your inbox" lead={`We sent a confirmation link to ${result.email}.`}>
        <p className="mt-6 text-sm text-slate-700">
          Open it on this device to confirm your email and set up your gym. The link works once, within an hour.
        </p>
        {result.notice ? (
          <p role="status" className="mt-4 rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-800">
            {result.notice}
          </p>
        ) : null}
        <Form method="post" className="mt-6">
          <input type="hidden" name="email" value={result.email} />
          <button
            type="submit"
            name="intent"
            value="resend"
            disabled={submitting}
            className="rounded-md border border-slate-400 px-3 py-1.5 text-sm hover:bg-slate-100 disabled:opacity-60"
          >
            {submitting ? "Sending…" : "Send it again"}
          </button>
        </Form>
      </AuthCard>
    );
  }
  const fieldErrors = result && !result.sent ? result.fieldErrors : undefined;
  const formError = result && !result.sent ? result.formError : undefined;
  return (
    <AuthCard title="Start with Frontdesk" lead="Your gym's Facebook, Instagram and WhatsApp messages in one inbox.">
      <Form method="post" className="mt-6 space-y-4" noValidate>
        <FormAlert message={formError} />
        <TextField
          name="email"
          type="email"
          label="Work email"
          autoComplete="email"
          defaultValue={result?.email}
          error={fieldErrors?.email}
        />
        <TextField
          name="password"
          type="password"
          label="Password"
          hint="At least 12 characters."
          autoComplete="new-password"
          error={fieldErrors?.password}
        />
        <SubmitButton busy={submitting} label="Create account" busyLabel="Creating your account…" />
      </Form>
      <p className="mt-6 text-sm text-slate-700">
        Already have an account?{" "}
        <Link to="/login" className="font-medium text-indigo-700 underline-offset-2 hover:underline">
          Sign in
        </Link>
      </p>
    </AuthCard>
  );
}
