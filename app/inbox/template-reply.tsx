import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { headerMediaFormat } from "../../supabase/functions/_shared/whatsapp-templates";
import type { ConversationSummary, WhatsAppTemplate } from "../api/types";
import { whyNotSendable } from "../templates/template-preview";
import { useTRPC } from "../trpc";
import { useOutgoingFiles } from "./outgoing-files";
import { usePutInThread } from "./send-reply";
import { TemplateForm } from "./template-form";

/** Why a template cannot be picked here, or null. */
function unavailable(template: WhatsAppTemplate): string | null {
  const notSendable = whyNotSendable(template);
  if (notSendable) return notSendable;
  return headerMediaFormat(template.components) === "LOCATION"
    ? "Needs a location header, which Frontdesk cannot send yet"
    : null;
}

/**
 * Sending a WhatsApp template: find one by name (only approved ones can be picked; the others say why not), fill in
 * its values with a live preview, send. The server checks the values again and answers with the field at fault.
 */
export function TemplateReply({
  conversation,
  onClose,
  onSent,
}: {
  conversation: ConversationSummary;
  /** Null when templates are the only way to reply (the window has closed). */
  onClose: (() => void) | null;
  onSent: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState("");
  const [chosenId, setChosenId] = useState<string | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const clientMessageId = useRef(crypto.randomUUID());
  // The header's image, video or document, uploaded like any reply's file.
  const headerFiles = useOutgoingFiles(conversation);
  const list = useQuery(
    trpc.templates.list.queryOptions({ workspaceId: conversation.workspaceId, channelAccountId: conversation.channel.id }),
  );
  const putInThread = usePutInThread(conversation.id);
  const send = useMutation(
    trpc.messages.sendTemplate.mutationOptions({
      onSuccess: (result) => {
        if (result.success) {
          putInThread(result.data);
          clientMessageId.current = crypto.randomUUID();
          setChosenId(null);
          setValues({});
          headerFiles.sent(headerFiles.files.map((file) => file.key));
          onSent();
        } else {
          const fields = (result.error.details?.fieldErrors ?? {}) as Record<string, string[]>;
          setErrors(Object.fromEntries(Object.entries(fields).map(([key, messages]) => [key, messages[0] ?? ""])));
          setProblem(result.error.message);
        }
        void queryClient.invalidateQueries({ queryKey: trpc.conversations.list.pathKey() });
      },
      onError: () => setProblem("Not sent: Frontdesk could not be reached. Try again."),
    }),
  );

  const templates = list.data?.success ? list.data.data.templates : [];
  const chosen = templates.find((template) => template.id === chosenId) ?? null;
  const found = templates.filter((template) => template.name.toLowerCase().includes(search.trim().toLowerCase()));

  return (
    <section aria-label="Send a template" data-testid="template-reply" className="space-y-2">
      {chosen ? (
        <TemplateForm
          template={chosen}
          headerFiles={headerFiles}
          values={values}
          errors={errors}
          problem={problem}
          sending={send.isPending}
          onChange={(key, value) => {
            setValues((current) => ({ ...current, [key]: value }));
            setErrors((current) => ({ ...current, [key]: "" }));
          }}
          onBack={() => {
            setChosenId(null);
            setProblem(null);
          }}
          onSend={() =>
            send.mutate({
              conversationId: conversation.id,
              clientMessageId: clientMessageId.current,
              templateId: chosen.id,
              values,
              headerFile: headerFiles.uploaded[0]?.storedPath,
            })
          }
        />
      ) : (
        <>
          <div className="flex items-center gap-2">
            <input
              type="search"
              value={search}
              onChange={(event) => setSearch(event.target.value)}
              placeholder="Find a template by name…"
              aria-label="Find a template"
              className="min-w-0 flex-1 rounded-md border border-slate-400 px-3 py-1.5 text-sm"
            />
            {onClose ? (
              <button type="button" onClick={onClose} className="rounded-md border border-slate-400 px-3 py-1.5 text-sm">
                Cancel
              </button>
            ) : null}
          </div>
          {list.isPending ? <p className="text-sm text-slate-600">Loading templates…</p> : null}
          {list.isError || (list.data && !list.data.success) ? (
            <p role="alert" className="text-sm text-red-800">
              The templates could not be loaded.{" "}
              <button type="button" className="underline" onClick={() => void list.refetch()}>
                Try again
              </button>
            </p>
          ) : null}
          {list.data?.success && templates.length === 0 ? (
            <p className="text-sm text-slate-700">
              This number has no templates yet. Make one in WhatsApp Manager, then Sync in Settings → Templates.
            </p>
          ) : null}
          <ul className="max-h-56 divide-y divide-slate-200 overflow-y-auto rounded-md border border-slate-200">
            {found.map((template) => {
              const why = unavailable(template);
              return (
                <li key={template.id}>
                  <button
                    type="button"
                    disabled={why !== null}
                    onClick={() => {
                      setChosenId(template.id);
                      setValues({});
                      setErrors({});
                      setProblem(null);
                    }}
                    className="flex w-full flex-wrap items-baseline gap-x-2 px-3 py-2 text-left text-sm hover:bg-slate-50 disabled:cursor-not-allowed disabled:hover:bg-white"
                  >
                    <span className={`font-medium ${why ? "text-slate-500" : ""}`}>{template.name}</span>
                    <span className="text-xs text-slate-600">
                      {template.language} · {template.category.toLowerCase()}
                    </span>
                    {why ? <span className="w-full text-xs text-slate-600">{why}</span> : null}
                  </button>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}
