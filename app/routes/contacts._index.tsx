import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { signedInLoader } from "../auth/signed-in-loader.server";
import { BulkActions } from "../contacts/bulk-actions";
import { ContactFilterBar } from "../contacts/contact-filter-bar";
import { filtersFromParams } from "../contacts/contact-filter-params";
import { ContactTable } from "../contacts/contact-table";
import { ContactsFrame } from "../contacts/contacts-frame";
import { useTaxonomy } from "../contacts/use-taxonomy";
import { useTRPC } from "../trpc";
import { FailureNotice, pagesFailureOf } from "../ui/failure-notice";
import { useToast } from "../ui/toast";

export const meta: MetaFunction = () => [{ title: "Contacts · Frontdesk" }];

export const loader = (args: LoaderFunctionArgs) => signedInLoader(args);

/** Contacts: every member the gym has, found by search and filters, tagged or moved in bulk. */
export default function ContactsPage() {
  const { email } = useLoaderData<typeof loader>();
  const { show, done, toast } = useToast();
  return (
    <ContactsFrame email={email} title="Contacts" after={toast}>
      {(workspace) => <ContactsView workspaceId={workspace.id} onError={show} onDone={done} />}
    </ContactsFrame>
  );
}

function ContactsView(props: { workspaceId: string; onError: (message: string) => void; onDone: (message: string) => void }) {
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const taxonomy = useTaxonomy(props.workspaceId);
  const filters = useMemo(() => filtersFromParams(params, taxonomy.fields), [params, taxonomy.fields]);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const list = useInfiniteQuery(
    trpc.contacts.list.infiniteQueryOptions(
      { workspaceId: props.workspaceId, limit: 50, ...filters },
      { getNextPageParam: (page) => (page.success ? (page.data.nextCursor ?? undefined) : undefined) },
    ),
  );
  const contacts = list.data?.pages.flatMap((page) => (page.success ? page.data.items : [])) ?? [];
  const failure = pagesFailureOf(list);
  const filtered = [...params.keys()].some((key) => key !== "sort");
  const exportParams = new URLSearchParams(params);
  exportParams.set("workspace", props.workspaceId);
  return (
    <div className="space-y-3">
      <div className="flex gap-3 text-sm">
        <a href={`/contacts/export.csv?${exportParams}`} download className="text-indigo-700 underline">
          Export these contacts (CSV)
        </a>
        {taxonomy.canEdit ? (
          <Link to="/contacts/import" className="text-indigo-700 underline">
            Import from CSV
          </Link>
        ) : null}
      </div>
      <ContactFilterBar
        params={params}
        onChange={(next) => {
          setSelected(new Set());
          setParams(next, { replace: true });
        }}
        tags={taxonomy.tags}
        stages={taxonomy.stages}
        fields={taxonomy.fields}
      />
      {selected.size > 0 ? (
        <BulkActions
          workspaceId={props.workspaceId}
          contactIds={[...selected]}
          tags={taxonomy.tags}
          stages={taxonomy.stages}
          onDone={(message) => {
            setSelected(new Set());
            props.onDone(message);
          }}
          onError={props.onError}
        />
      ) : null}
      {list.isPending ? (
        <p className="text-sm text-slate-600">Loading contacts…</p>
      ) : failure ? (
        <FailureNotice message={failure} onRetry={() => void list.refetch()} />
      ) : contacts.length === 0 ? (
        <p className="text-sm text-slate-700">
          {filtered ? "No contact matches these filters." : "No contacts yet: members appear here when they first write."}
        </p>
      ) : (
        <>
          <ContactTable
            contacts={contacts}
            selected={selected}
            onSelect={(ids, on) =>
              setSelected((current) => {
                const next = new Set(current);
                for (const id of ids) on ? next.add(id) : next.delete(id);
                return next;
              })
            }
          />
          {list.hasNextPage ? (
            <button
              type="button"
              onClick={() => void list.fetchNextPage()}
              disabled={list.isFetchingNextPage}
              className="rounded-md border border-slate-400 px-3 py-1.5 text-sm hover:bg-slate-50"
            >
              {list.isFetchingNextPage ? "Loading…" : "Show more"}
            </button>
          ) : null}
        </>
      )}
    </div>
  );
}
