import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useQuery } from "@tanstack/react-query";
import { requireUser } from "../auth/session.server";
import { useTRPC } from "../trpc";

export const meta: MetaFunction = () => [{ title: "Inbox · Frontdesk" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { claims, headers } = await requireUser(request);
  return json({ email: typeof claims.email === "string" ? claims.email : "" }, { headers });
}

export default function Inbox() {
  const { email } = useLoaderData<typeof loader>();
  return (
    <div className="flex h-full flex-col">
      <header className="flex items-center justify-between border-b border-slate-200 bg-white px-4 py-3">
        <div className="flex items-center gap-3">
          <span className="text-lg font-semibold tracking-tight">Frontdesk</span>
          <WorkspaceName />
        </div>
        <div className="flex items-center gap-3 text-sm">
          <span className="text-slate-600" data-testid="signed-in-as">
            {email}
          </span>
          <Form method="post" action="/logout">
            <button type="submit" className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-100">
              Sign out
            </button>
          </Form>
        </div>
      </header>
      <main className="flex flex-1 items-center justify-center p-6" aria-label="Inbox">
        <div className="text-center text-slate-600">
          <h1 className="text-xl font-semibold text-slate-900">Inbox</h1>
          <p className="mt-1">Conversations from your connected channels will appear here.</p>
        </div>
      </main>
    </div>
  );
}

function WorkspaceName() {
  const trpc = useTRPC();
  const me = useQuery(trpc.me.queryOptions());
  if (me.isPending)
    return <span role="status" aria-label="Loading workspace" className="h-5 w-40 animate-pulse rounded bg-slate-200" />;
  const failure = me.error ? "Could not load your workspace." : me.data?.success === false ? me.data.error.message : null;
  if (failure || !me.data?.success) {
    return (
      <span role="alert" className="flex items-center gap-2 text-sm text-red-700">
        {failure}
        <button type="button" onClick={() => me.refetch()} className="underline">
          Retry
        </button>
      </span>
    );
  }
  const workspace = me.data.data.workspaces[0];
  return (
    <span className="rounded-full bg-slate-100 px-3 py-1 text-sm text-slate-700" data-testid="workspace-name">
      {workspace ? workspace.name : "No workspace yet — ask your admin for an invite"}
    </span>
  );
}
