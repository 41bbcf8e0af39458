import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ContactSummary } from "../api/types";
import { signedInLoader } from "../auth/signed-in-loader.server";
import { BoardColumn, columnInput } from "../contacts/board-column";
import { ContactsFrame } from "../contacts/contacts-frame";
import { useTaxonomy } from "../contacts/use-taxonomy";
import { useTRPC } from "../trpc";
import { useToast } from "../ui/toast";

export const meta: MetaFunction = () => [{ title: "Board · Contacts · Frontdesk" }];

export const loader = (args: LoaderFunctionArgs) => signedInLoader(args);

/** The pipeline as a board: a column per stage, a card per contact; drag a card to move it (at once, undone on failure). */
export default function BoardPage() {
  const { email } = useLoaderData<typeof loader>();
  const { show, toast } = useToast();
  return (
    <ContactsFrame email={email} title="Pipeline" after={toast}>
      {(workspace) => <Board workspaceId={workspace.id} onError={show} />}
    </ContactsFrame>
  );
}

type Column = { pages: ({ success: true; data: { items: ContactSummary[] } } | { success: false })[] };

/** A column's pages with the card taken out, or put at the top (in its new stage). */
function withoutCard<T extends Column>(data: T | undefined, contactId: string): T | undefined {
  if (!data) return data;
  return {
    ...data,
    pages: data.pages.map((p) =>
      p.success ? { ...p, data: { ...p.data, items: p.data.items.filter((c) => c.id !== contactId) } } : p,
    ),
  };
}
function withCard<T extends Column>(data: T | undefined, card: ContactSummary): T | undefined {
  if (!data) return data;
  return {
    ...data,
    pages: data.pages.map((p, index) =>
      index === 0 && p.success ? { ...p, data: { ...p.data, items: [card, ...p.data.items] } } : p,
    ),
  };
}

function Board({ workspaceId, onError }: { workspaceId: string; onError: (message: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { stages } = useTaxonomy(workspaceId);
  const counts = useQuery(trpc.contacts.stageCounts.queryOptions({ workspaceId }));
  const countOf = (stageId: string) =>
    counts.data?.success ? (counts.data.data.find((c) => c.stageId === stageId)?.count ?? 0) : undefined;
  const keyOf = (stageId: string) => trpc.contacts.list.infiniteQueryKey(columnInput(workspaceId, stageId));
  const setStage = useMutation(trpc.contacts.setStage.mutationOptions());

  // Optimistic: the card moves at once; a refusal or a lost connection puts both columns back as they were.
  const moveCard = async (contactId: string, from: string, to: string) => {
    const target = stages.find((stage) => stage.id === to);
    const card = queryClient
      .getQueryData(keyOf(from))
      ?.pages.flatMap((p) => (p.success ? p.data.items : []))
      .find((c) => c.id === contactId);
    if (!target || !card) return;
    await Promise.all([queryClient.cancelQueries({ queryKey: keyOf(from) }), queryClient.cancelQueries({ queryKey: keyOf(to) })]);
    const before = { from: queryClient.getQueryData(keyOf(from)), to: queryClient.getQueryData(keyOf(to)) };
    queryClient.setQueryData(keyOf(from), (data) => withoutCard(data, contactId));
    queryClient.setQueryData(keyOf(to), (data) => withCard(data, { ...card, stage: { id: target.id, name: target.name } }));
    const rollBack = (message: string) => {
      queryClient.setQueryData(keyOf(from), before.from);
      queryClient.setQueryData(keyOf(to), before.to);
      onError(message);
    };
    try {
      const result = await setStage.mutateAsync({ workspaceId, contactIds: [contactId], stageId: to });
      if (!result.success) rollBack(result.error.message);
      else if (result.data.moved === 0) {
        rollBack("Someone moved or removed this contact meanwhile: the board shows it as it is now.");
        void queryClient.invalidateQueries({ queryKey: trpc.contacts.list.pathKey() });
      }
    } catch {
      rollBack("Could not reach Frontdesk: the card went back. Try again.");
    } finally {
      void queryClient.invalidateQueries({ queryKey: trpc.contacts.stageCounts.queryKey({ workspaceId }) });
    }
  };

  if (stages.length === 0) return <p className="text-sm text-slate-600">Loading…</p>;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a row that scrolls sideways must take focus to scroll by keyboard (axe: scrollable-region-focusable).
    <section aria-label="Pipeline board" tabIndex={0} className="flex gap-3 overflow-x-auto pb-2">
      {stages.map((stage) => (
        <BoardColumn
          key={stage.id}
          workspaceId={workspaceId}
          stage={stage}
          stages={stages}
          count={countOf(stage.id)}
          onMove={(contactId, from, to) => void moveCard(contactId, from, to)}
        />
      ))}
    </section>
  );
}
