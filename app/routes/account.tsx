import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AuthCard, FormAlert, SubmitButton, TextField } from "../auth/auth-card";
import { newPasswordSchema } from "../auth/password-reset.server";
import { requireUser, supabaseForRequest } from "../auth/session.server";

export const meta: MetaFunction = () => [{ title: "Your account · Frontdesk" }];

/** Why the person is here: they followed an invitation, a reset link, or came to change their name or password. */
type Purpose = "welcome" | "reset" | "profile";

const purposeOf = (url: URL): Purpose =>
  url.searchParams.has("welcome") ? "welcome" : url.searchParams.has("reset") ? "reset" : "profile";

const COPY: Record<Purpose, { title: string; lead: string; submit: string }> = {
  welcome: {
    title: "Welcome to Frontdesk",
    lead: "Tell your team who you are and choose a password for next time.",
    submit: "Save and open the inbox",
  },
  reset: { title: "Choose a new password", lead: "You will use it from your next sign-in on.", submit: "Save the new password" },
  profile: { title: "Your account", lead: "Your name as your team sees it, and your password.", submit: "Save" },
};

type ActionData =
  | { saved: true }
  | { saved?: false; formError?: string; fieldErrors?: Partial<Record<"name" | "password", string>> };

export async function loader({ request }: LoaderFunctionArgs) {
  const { claims, headers } = await requireUser(request);
  const metadata = (claims.user_metadata ?? {}) as { full_name?: unknown };
  return json(
    {
      email: typeof claims.email === "string" ? claims.email : "",
      name: typeof metadata.full_name === "string" ? metadata.full_name : "",
      purpose: purposeOf(new URL(request.url)),
    },
    { headers },
  );
}

export async function action({ request }: ActionFunctionArgs) {
  const { headers } = await requireUser(request);
  const purpose = purposeOf(new URL(request.url));
  const form = await request.formData();
  const name = String(form.get("name") ?? "").trim();
  const password = String(form.get("password") ?? "");
  const fieldErrors: Partial<Record<"name" | "password", string>> = {};
  if (name.length > 100) fieldErrors.name = "At most 100 characters.";
  if (purpose === "welcome" && !name) fieldErrors.name = "Enter the name your team knows you by.";
  // A new password is needed after an invitation or a reset; on the profile, an empty one keeps the old.
  if (password || purpose !== "profile") {
    const checked = newPasswordSchema.safeParse(password);
    if (!checked.success) fieldErrors.password = checked.error.issues[0]?.message ?? "Choose a longer password.";
  }
  if (Object.keys(fieldErrors).length > 0) return json<ActionData>({ fieldErrors }, { status: 400, headers });
  const { supabase, headers: sessionHeaders } = supabaseForRequest(request);
  const { error } = await supabase.auth.updateUser({
    ...(password ? { password } : {}),
    ...(name ? { data: { full_name: name } } : {}),
  });
  if (error) {
    if (error.code === "weak_password" || error.code === "same_password") {
      return json<ActionData>({ fieldErrors: { password: "Choose a different, longer password." } }, { status: 400 });
    }
    return json<ActionData>({ formError: "Your account could not be saved right now. Try again." }, { status: 503 });
  }
  if (purpose !== "profile") throw redirect("/inbox", { headers: sessionHeaders });
  return json<ActionData>({ saved: true }, { headers: sessionHeaders });
}

/** After an invitation or a reset link (a password is then required), or from Settings: name and password. */
export default function Account() {
  const { email, name, purpose } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const submitting = navigation.state !== "idle" && navigation.formMethod === "POST";
  const copy = COPY[purpose];
  const fieldErrors = result && !result.saved ? result.fieldErrors : undefined;
  return (
    <AuthCard title={copy.title} lead={copy.lead}>
      <p className="mt-4 text-sm text-slate-700">
        Signed in as <span className="font-medium">{email}</span>
      </p>
      <Form method="post" className="mt-6 space-y-4" noValidate>
        <FormAlert message={result && !result.saved ? result.formError : undefined} />
        {result?.saved ? (
          <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
            Saved.
          </p>
        ) : null}
        {purpose === "reset" ? null : (
          <TextField name="name" label="Your name" autoComplete="name" defaultValue={name} error={fieldErrors?.name} />
        )}
        <TextField
          name="password"
          type="password"
          label={purpose === "profile" ? "New password (leave empty to keep yours)" : "Password"}
          hint="At least 12 characters."
          autoComplete="new-password"
          error={fieldErrors?.password}
        />
        <SubmitButton busy={submitting} label={copy.submit} busyLabel="Saving…" />
      </Form>
      {purpose === "profile" ? (
        <p className="mt-6 text-sm">
          <Link to="/inbox" className="font-medium text-indigo-700 underline-offset-2 hover:underline">
            Back to the inbox
          </Link>
        </p>
      ) : null}
    </AuthCard>
  );
}
