import { type ActionFunctionArgs, json, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { AuthCard, FormAlert, SubmitButton, TextField } from "../auth/auth-card";
import { requestPasswordReset, resetRequestSchema } from "../auth/password-reset.server";

export const meta: MetaFunction = () => [{ title: "Reset your password · Frontdesk" }];

type ActionData = { sent: true; email: string } | { sent?: false; email: string; formError?: string; emailError?: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const email = String(form.get("email") ?? "").trim();
  const parsed = resetRequestSchema.safeParse({ email });
  if (!parsed.success) return json<ActionData>({ email, emailError: "Enter a valid email address." }, { status: 400 });
  const outcome = await requestPasswordReset(request, context.clientIp, parsed.data.email);
  if (outcome.ok) return json<ActionData>({ sent: true, email: parsed.data.email });
  return json<ActionData>({ email, formError: outcome.message }, { status: outcome.status, headers: outcome.headers });
}

/** Asks for a reset link by email; says the same whether or not the address has an account. */
export default function ForgotPassword() {
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const submitting = navigation.state !== "idle" && navigation.formAction === "/forgot-password";
  if (result?.sent) {
    return (
      <AuthCard title="Check your inbox" lead={`If ${result.email} has a Frontdesk account, a reset link is on its way.`}>
        <p className="mt-6 text-sm text-slate-700">
          Open it on this device to choose a new password. The link works once, within an hour.
        </p>
        <p className="mt-6 text-sm">
          <Link to="/login" className="font-medium text-indigo-700 underline-offset-2 hover:underline">
            Back to sign in
          </Link>
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Reset your password" lead="We will email you a link to choose a new one.">
      <Form method="post" className="mt-6 space-y-4" noValidate>
        <FormAlert message={result?.formError} />
        <TextField
          name="email"
          type="email"
          label="Email"
          autoComplete="email"
          defaultValue={result?.email}
          error={result?.emailError}
        />
        <SubmitButton busy={submitting} label="Send the link" busyLabel="Sending…" />
      </Form>
      <p className="mt-6 text-sm">
        <Link to="/login" className="font-medium text-indigo-700 underline-offset-2 hover:underline">
          Back to sign in
        </Link>
      </p>
    </AuthCard>
  );
}
