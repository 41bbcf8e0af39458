import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { exampleValues } from "../../supabase/functions/_shared/whatsapp-templates";
import type { TemplateAccount, WhatsAppTemplate } from "../api/types";
import { signedInLoader } from "../auth/signed-in-loader.server";
import { SettingsPage } from "../settings/settings-page";
import { STATUS_LABELS, statusTone, TemplatePreview, whyNotSendable } from "../templates/template-preview";
import { useTRPC } from "../trpc";
import { FailureNotice, failureOf } from "../ui/failure-notice";
import { useToast } from "../ui/toast";

export const meta: MetaFunction = () => [{ title: "Templates · Settings · Frontdesk" }];

export const loader = (args: LoaderFunctionArgs) => signedInLoader(args);

/** Where Meta's WhatsApp Manager shows an account's templates (they are made and edited there). */
const managerUrl = (wabaId: string) =>
  `https://business.facebook.com/wa/manage/message-templates/?waba_id=${encodeURIComponent(wabaId)}`;

/** Settings → Templates: each WhatsApp account's templates with their review status, and Sync (managers, admins). */
export default function TemplatesSettings() {
  const { email } = useLoaderData<typeof loader>();
  const { show, done, toast } = useToast();
  return (
    <SettingsPage email={email} title="WhatsApp templates" after={toast}>
      {(workspace) => <TemplatesView workspaceId={workspace.id} onError={show} onDone={done} />}
    </SettingsPage>
  );
}

function TemplatesView(props: { workspaceId: string; onError: (message: string) => void; onDone: (message: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.templates.list.queryOptions({ workspaceId: props.workspaceId }));
  const sync = useMutation(
    trpc.templates.sync.mutationOptions({
      onSuccess: (result) =>
        result.success
          ? props.onDone(`Synced ${result.data.templates} template${result.data.templates === 1 ? "" : "s"} from Meta.`)
          : props.onError(result.error.message),
      onError: () => props.onError("Could not reach Frontdesk. Check your connection."),
      onSettled: () => void queryClient.invalidateQueries({ queryKey: trpc.templates.pathKey() }),
    }),
  );
  const failure = failureOf(list);
  if (list.isPending) return <p className="text-sm text-slate-600">Loading…</p>;
  if (failure || !list.data?.success)
    return <FailureNotice message={failure ?? "Something went wrong."} onRetry={() => void list.refetch()} />;
  const { accounts, templates, canSync } = list.data.data;
  if (accounts.length === 0) {
    return <p className="text-sm text-slate-700">Connect a WhatsApp number in Channels: its templates show here.</p>;
  }
  return (
    <>
      <div className="flex flex-wrap items-center gap-3">
        <p className="flex-1 text-sm text-slate-700">
          Templates are made and reviewed in Meta's WhatsApp Manager. Once 24 hours have passed since a member's last message,
          only an approved template can be sent to them.
        </p>
        {canSync ? (
          <button
            type="button"
            disabled={sync.isPending}
            onClick={() => sync.mutate({ workspaceId: props.workspaceId })}
            className="rounded-md bg-indigo-700 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60"
          >
            {sync.isPending ? "Syncing…" : "Sync"}
          </button>
        ) : (
          <p className="text-sm text-slate-700">Managers and admins can sync them.</p>
        )}
      </div>
      {accounts.map((account) => (
        <AccountTemplates
          key={account.wabaId}
          account={account}
          templates={templates.filter((t) => t.wabaId === account.wabaId)}
        />
      ))}
    </>
  );
}

function AccountTemplates({ account, templates }: { account: TemplateAccount; templates: WhatsAppTemplate[] }) {
  return (
    <section aria-label={`Templates of ${account.numbers.join(", ")}`} className="space-y-2">
      <div className="flex flex-wrap items-baseline gap-2">
        <h2 className="font-medium">{account.numbers.join(", ")}</h2>
        <p className="text-xs text-slate-600">
          {account.syncedAt ? `Last synced ${account.syncedAt.toLocaleString()}` : "Not synced yet"} ·{" "}
          <a href={managerUrl(account.wabaId)} target="_blank" rel="noreferrer" className="text-indigo-800 underline">
            Open WhatsApp Manager
          </a>
        </p>
      </div>
      {templates.length === 0 ? <p className="text-sm text-slate-700">No templates yet.</p> : null}
      <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
        {templates.map((template) => (
          <li key={template.id} data-testid="template" className="flex flex-wrap gap-4 px-4 py-3">
            <div className="min-w-48 flex-1 space-y-1">
              <p className="font-medium">{template.name}</p>
              <p className="text-xs text-slate-600">
                {template.language} · {template.category.toLowerCase()}
                {template.quality ? ` · quality ${template.quality.toLowerCase()}` : ""}
              </p>
              <p>
                <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${statusTone(template.status)}`}>
                  {STATUS_LABELS[template.status] ?? template.status}
                </span>
              </p>
              {template.status !== "APPROVED" ? (
                <p data-testid="template-status-reason" className="text-sm text-slate-700">
                  {whyNotSendable(template)}
                </p>
              ) : null}
            </div>
            <TemplatePreview components={template.components} values={exampleValues(template.components)} />
          </li>
        ))}
      </ul>
    </section>
  );
}
