import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { signedInLoader } from "../auth/signed-in-loader.server";
import { AuditEntries } from "../settings/audit-entries";
import { AuditFilters, type AuditFilterValues } from "../settings/audit-filters";
import { SettingsPage } from "../settings/settings-page";
import { useTRPC } from "../trpc";
import { FailureNotice, pagesFailureOf } from "../ui/failure-notice";

export const meta: MetaFunction = () => [{ title: "Audit log · Settings · Frontdesk" }];

export const loader = (args: LoaderFunctionArgs) => signedInLoader(args);

/** Settings → Audit log, for admins: who did what and when, filtered by person, action and days. */
export default function AuditSettings() {
  const { email } = useLoaderData<typeof loader>();
  return (
    <SettingsPage email={email} title="Audit log" width="4xl">
      {(workspace) =>
        workspace.role === "admin" ? (
          <AuditView workspaceId={workspace.id} />
        ) : (
          <p className="text-sm text-slate-700">Only admins can read the audit log.</p>
        )
      }
    </SettingsPage>
  );
}

/** A day's start in this browser's time zone, as the moment it is. */
const dayStart = (day: string, plusDays = 0) => {
  if (!day) return undefined;
  const [year, month, date] = day.split("-").map(Number);
  return new Date(year ?? 1970, (month ?? 1) - 1, (date ?? 1) + plusDays);
};

function AuditView({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const values: AuditFilterValues = {
    actorId: params.get("person") ?? "",
    action: params.get("action") ?? "",
    from: params.get("from") ?? "",
    to: params.get("to") ?? "",
  };
  const roster = useQuery(trpc.team.roster.queryOptions({ workspaceId }));
  const members = roster.data?.success ? roster.data.data.members : [];
  const entries = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      {
        workspaceId,
        actorId: values.actorId || undefined,
        action: values.action || undefined,
        from: dayStart(values.from),
        until: dayStart(values.to, 1),
        limit: 50,
      },
      { getNextPageParam: (page) => (page.success ? (page.data.nextCursor ?? undefined) : undefined) },
    ),
  );
  const nameOf = (userId: string | null) => {
    const member = members.find((candidate) => candidate.userId === userId);
    return member ? (member.name ?? member.email) : null;
  };
  const failure = pagesFailureOf(entries);
  const items = entries.data?.pages.flatMap((page) => (page.success ? page.data.items : [])) ?? [];
  return (
    <>
      <AuditFilters
        values={values}
        members={members}
        onChange={(next) => {
          const search = new URLSearchParams();
          if (next.actorId) search.set("person", next.actorId);
          if (next.action) search.set("action", next.action);
          if (next.from) search.set("from", next.from);
          if (next.to) search.set("to", next.to);
          setParams(search, { replace: true });
        }}
      />
      {entries.isPending ? <p className="text-sm text-slate-600">Loading…</p> : null}
      {failure ? <FailureNotice message={failure} onRetry={() => void entries.refetch()} /> : null}
      {!entries.isPending && !failure && items.length === 0 ? (
        <p className="text-sm text-slate-700">Nothing matches these filters.</p>
      ) : null}
      {items.length > 0 ? <AuditEntries entries={items} nameOf={nameOf} /> : null}
      {entries.hasNextPage ? (
        <button
          type="button"
          onClick={() => void entries.fetchNextPage()}
          disabled={entries.isFetchingNextPage}
          className="rounded-md border border-slate-400 px-3 py-1.5 text-sm hover:bg-slate-100 disabled:opacity-60"
        >
          {entries.isFetchingNextPage ? "Loading…" : "Show older"}
        </button>
      ) : null}
    </>
  );
}
