import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { signedInLoader } from "../auth/signed-in-loader.server";
import { ChannelList } from "../settings/channel-list";
import { PagePicker } from "../settings/page-picker";
import { SettingsHeader } from "../settings/settings-header";
import { WhatsAppForm, type WhatsAppIds } from "../settings/whatsapp-form";
import { WorkspaceGate } from "../settings/workspace-gate";
import { useCurrentUser } from "../ui/current-user";
import { useToast } from "../ui/toast";

export const meta: MetaFunction = () => [{ title: "Channels · Settings · Frontdesk" }];

export const loader = (args: LoaderFunctionArgs) => signedInLoader(args);

/** What the OAuth callback reports by key (see settings.channels.callback.tsx). */
const PROBLEMS: Record<string, string> = {
  cancelled: "Facebook login was cancelled, so nothing was connected.",
  invalid: "That Facebook login could not be used: it was already used, took too long, or did not come from here. Start again.",
  meta: "Meta did not complete the login. Try again in a moment.",
};

export default function ChannelSettings() {
  const { email } = useLoaderData<typeof loader>();
  const current = useCurrentUser();
  const [params, setParams] = useSearchParams();
  const attemptId = params.get("attempt");
  const problem = PROBLEMS[params.get("problem") ?? ""];
  const { show, done, toast } = useToast();
  const [reconnecting, setReconnecting] = useState<WhatsAppIds | null>(null);

  return (
    <div className="flex min-h-full flex-col">
      <SettingsHeader email={email} isAdmin={current.workspace?.role === "admin"} />
      <main className="mx-auto w-full max-w-3xl space-y-6 p-4">
        {problem ? (
          <p role="alert" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
            {problem}
          </p>
        ) : null}
        <WorkspaceGate current={current}>
          {(workspace) => (
            <>
              {attemptId && workspace.role === "admin" ? (
                <PagePicker attemptId={attemptId} onDone={() => setParams({}, { replace: true })} onError={show} />
              ) : null}
              <ChannelList
                workspaceId={workspace.id}
                isAdmin={workspace.role === "admin"}
                onError={show}
                onDone={done}
                onReconnectWhatsApp={(channel) =>
                  setReconnecting({ phoneNumberId: channel.providerAccountId, wabaId: channel.wabaId ?? "" })
                }
              />
              {workspace.role === "admin" ? <WhatsAppForm workspaceId={workspace.id} prefill={reconnecting} /> : null}
            </>
          )}
        </WorkspaceGate>
      </main>
      {toast}
    </div>
  );
}
