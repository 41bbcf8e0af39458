import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { trpcCallerFor } from "../api/trpc.server";
import { AuthCard, FormAlert, SubmitButton, TextField } from "../auth/auth-card";
import { requireUser } from "../auth/session.server";
import { signupIsOpen } from "../auth/sign-up.server";

export const meta: MetaFunction = () => [{ title: "Set up your gym · Frontdesk" }];

/** Someone on a team already goes to the inbox; this page is for founding a gym. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { headers } = await requireUser(request);
  const { caller } = await trpcCallerFor(request);
  const me = await caller.me();
  if (me.success && me.data.workspaces.length > 0) throw redirect("/inbox", { headers });
  return json({ open: signupIsOpen(), email: me.success ? me.data.user.email : null }, { headers });
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const name = String(form.get("name") ?? "");
  const { caller, headers } = await trpcCallerFor(request);
  const created = await caller.workspaces.create({ name });
  // Founded now, or by this same form a moment ago (a double submit): either way the gym is there.
  if (created.success || created.error.code === "CONFLICT") throw redirect("/inbox", { headers });
  if (created.error.code === "UNAUTHORIZED") throw redirect("/login?next=/welcome", { headers });
  const nameError = created.error.details?.fieldErrors?.name?.[0];
  return json({ name, nameError, formError: nameError ? undefined : created.error.message }, { status: 400, headers });
}

export default function Welcome() {
  const { open, email } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const submitting = navigation.state !== "idle" && navigation.formAction === "/welcome";
  if (!open) {
    return (
      <AuthCard title="You are not on a team yet" lead={`Signed in as ${email ?? "you"}.`}>
        <p className="mt-6 text-sm text-slate-700">This Frontdesk is invite-only. Ask your gym&apos;s admin to invite you.</p>
        <SignOut />
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Set up your gym" lead="You will be its admin: you can invite your staff and connect channels next.">
      <Form method="post" className="mt-6 space-y-4" noValidate>
        <FormAlert message={result?.formError} />
        <TextField
          name="name"
          label="Gym name"
          autoComplete="organization"
          defaultValue={result?.name}
          error={result?.nameError}
        />
        <SubmitButton busy={submitting} label="Create gym" busyLabel="Creating your gym…" />
      </Form>
      <SignOut />
    </AuthCard>
  );
}

function SignOut() {
  return (
    <Form method="post" action="/logout" className="mt-6">
      <button type="submit" className="text-sm text-slate-700 underline underline-offset-2">
        Sign out
      </button>
    </Form>
  );
}
