import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { requireUser } from "../auth/session.server";
import { ChannelBadge } from "../inbox/channel-badge";
import { FailureNotice, failureOf } from "../inbox/failure-notice";
import { relativeTime } from "../inbox/time";
import { useToast } from "../inbox/toast";
import type { Channel } from "../inbox/types";
import { useTRPC } from "../trpc";

export const meta: MetaFunction = () => [{ title: "Channels · Settings · Frontdesk" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { claims, headers } = await requireUser(request);
  return json({ email: typeof claims.email === "string" ? claims.email : "" }, { headers });
}

/** What the OAuth callback reports by key (see settings.channels.callback.tsx). */
const PROBLEMS: Record<string, string> = {
  cancelled: "Facebook login was cancelled, so nothing was connected.",
  invalid: "That Facebook login could not be used: it was already used, took too long, or did not come from here. Start again.",
  meta: "Meta did not complete the login. Try again in a moment.",
};

const STATUS_LABELS = { active: "Active", needs_reconnect: "Needs reconnecting", disconnected: "Disconnected" } as const;
const STATUS_STYLES = {
  active: "bg-emerald-100 text-emerald-800",
  needs_reconnect: "bg-amber-100 text-amber-900",
  disconnected: "bg-slate-200 text-slate-700",
} as const;

export default function ChannelSettings() {
  const { email } = useLoaderData<typeof loader>();
  const trpc = useTRPC();
  const me = useQuery(trpc.me.queryOptions());
  const workspace = me.data?.success ? me.data.data.workspaces[0] : undefined;
  const [params, setParams] = useSearchParams();
  const attemptId = params.get("attempt");
  const problem = PROBLEMS[params.get("problem") ?? ""];
  const { show, toast } = useToast();

  return (
    <div className="flex min-h-full flex-col">
      <header className="flex items-center justify-between border-b border-slate-200 bg-white px-4 py-2">
        <div className="flex items-center gap-3">
          <Link to="/inbox" className="text-lg font-semibold tracking-tight">
            Frontdesk
          </Link>
          <span className="text-sm text-slate-500">Settings · Channels</span>
        </div>
        <div className="flex items-center gap-3 text-sm">
          <span className="hidden text-slate-600 sm:inline">{email}</span>
          <Link to="/inbox" className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-100">
            Back to the inbox
          </Link>
        </div>
      </header>
      <main className="mx-auto w-full max-w-3xl space-y-6 p-4">
        {problem ? (
          <p role="alert" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
            {problem}
          </p>
        ) : null}
        {me.isPending ? (
          <p className="text-sm text-slate-500">Loading…</p>
        ) : failureOf(me) ? (
          <FailureNotice message={failureOf(me) ?? ""} onRetry={() => void me.refetch()} />
        ) : !workspace ? (
          <p className="text-sm text-slate-600">You are not on any workspace yet.</p>
        ) : (
          <>
            {attemptId && workspace.role === "admin" ? (
              <PagePicker attemptId={attemptId} onDone={() => setParams({}, { replace: true })} onError={show} />
            ) : null}
            <ChannelList workspaceId={workspace.id} isAdmin={workspace.role === "admin"} onError={show} />
            {workspace.role === "admin" ? <WhatsAppForm workspaceId={workspace.id} /> : null}
          </>
        )}
      </main>
      {toast}
    </div>
  );
}

function ConnectWithFacebook({
  workspaceId,
  label,
  onError,
}: {
  workspaceId: string;
  label: string;
  onError: (m: string) => void;
}) {
  const trpc = useTRPC();
  const begin = useMutation(
    trpc.channels.beginConnect.mutationOptions({
      onSuccess: (result) => {
        if (result.success) window.location.assign(result.data.dialogUrl);
        else onError(result.error.message);
      },
      onError: () => onError("Could not reach Frontdesk. Check your connection."),
    }),
  );
  return (
    <button
      type="button"
      onClick={() => begin.mutate({ workspaceId })}
      disabled={begin.isPending || begin.data?.success}
      className="whitespace-nowrap rounded-md bg-blue-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-blue-700 disabled:opacity-60"
    >
      {begin.isPending || begin.data?.success ? "Opening Facebook…" : label}
    </button>
  );
}

function ChannelList({ workspaceId, isAdmin, onError }: { workspaceId: string; isAdmin: boolean; onError: (m: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const channels = useQuery(trpc.channels.list.queryOptions({ workspaceId }));
  const disconnect = useMutation(
    trpc.channels.disconnect.mutationOptions({
      onSuccess: (result) => {
        if (!result.success) onError(result.error.message);
      },
      onError: () => onError("Could not reach Frontdesk to disconnect. Try again."),
      onSettled: () => void queryClient.invalidateQueries({ queryKey: trpc.channels.list.pathKey() }),
    }),
  );
  const failure = failureOf(channels);
  const list = channels.data?.success ? channels.data.data : [];
  return (
    <section aria-labelledby="channels-heading" className="rounded-lg border border-slate-200 bg-white">
      <div className="flex items-center justify-between border-b border-slate-200 p-4">
        <div>
          <h1 id="channels-heading" className="font-semibold">
            Channels
          </h1>
          <p className="text-sm text-slate-600">
            {isAdmin
              ? "Facebook Pages, their Instagram accounts and WhatsApp numbers whose messages land in the inbox."
              : "Only admins can connect or disconnect channels."}
          </p>
        </div>
        {isAdmin ? <ConnectWithFacebook workspaceId={workspaceId} label="Connect with Facebook" onError={onError} /> : null}
      </div>
      {channels.isPending ? (
        <p className="p-4 text-sm text-slate-500">Loading channels…</p>
      ) : failure ? (
        <FailureNotice message={failure} onRetry={() => void channels.refetch()} />
      ) : list.length === 0 ? (
        <p className="p-4 text-sm text-slate-600">
          No channels yet. {isAdmin ? "Connect a Facebook Page or a WhatsApp number." : ""}
        </p>
      ) : (
        <ul className="divide-y divide-slate-200">
          {list.map((channel) => (
            <ChannelRow
              key={channel.id}
              channel={channel}
              workspaceId={workspaceId}
              isAdmin={isAdmin}
              disconnecting={disconnect.isPending && disconnect.variables?.channelId === channel.id}
              onDisconnect={() => disconnect.mutate({ channelId: channel.id })}
              onError={onError}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function ChannelRow(props: {
  channel: Channel;
  workspaceId: string;
  isAdmin: boolean;
  disconnecting: boolean;
  onDisconnect: () => void;
  onError: (m: string) => void;
}) {
  const { channel } = props;
  const [confirming, setConfirming] = useState(false);
  return (
    <li data-testid="channel-row" data-status={channel.status} className="flex flex-wrap items-center gap-3 p-4">
      <ChannelBadge provider={channel.provider} long />
      <div className="min-w-0 flex-1">
        <p className="truncate font-medium">{channel.displayName}</p>
        <p className="truncate text-xs text-slate-500">
          {channel.displayHandle ? `${channel.displayHandle} · ` : ""}id {channel.providerAccountId}
          {channel.connectedAt ? ` · connected ${relativeTime(channel.connectedAt)}` : ""}
        </p>
        {channel.status === "needs_reconnect" ? (
          <p className="mt-1 text-xs text-amber-900">
            {channel.statusReason ?? "Meta no longer accepts this channel's token."} Messages still arrive; replies cannot be
            sent.
          </p>
        ) : null}
      </div>
      <span
        data-testid="channel-status"
        className={`rounded-full px-2 py-0.5 text-xs font-medium ${STATUS_STYLES[channel.status]}`}
      >
        {STATUS_LABELS[channel.status]}
      </span>
      {props.isAdmin && channel.status !== "disconnected" ? (
        <div className="flex items-center gap-2">
          {channel.status === "needs_reconnect" && channel.provider !== "whatsapp" ? (
            <ConnectWithFacebook workspaceId={props.workspaceId} label="Reconnect" onError={props.onError} />
          ) : null}
          {confirming ? (
            <>
              <button
                type="button"
                onClick={props.onDisconnect}
                disabled={props.disconnecting}
                className="rounded-md bg-red-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60"
              >
                {props.disconnecting ? "Disconnecting…" : `Disconnect ${channel.displayName}`}
              </button>
              <button type="button" onClick={() => setConfirming(false)} className="text-sm underline">
                Keep it
              </button>
            </>
          ) : (
            <button
              type="button"
              onClick={() => setConfirming(true)}
              className="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100"
            >
              Disconnect
            </button>
          )}
        </div>
      ) : null}
    </li>
  );
}

function PagePicker({ attemptId, onDone, onError }: { attemptId: string; onDone: () => void; onError: (m: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const attempt = useQuery(trpc.channels.connectAttempt.queryOptions({ attemptId }));
  const [picked, setPicked] = useState<string[] | null>(null);
  const connect = useMutation(
    trpc.channels.connectPages.mutationOptions({
      onError: () => onError("Could not reach Frontdesk to connect. Try again."),
      onSettled: () => void queryClient.invalidateQueries({ queryKey: trpc.channels.list.pathKey() }),
    }),
  );
  const failure = failureOf(attempt);
  const pages = attempt.data?.success ? attempt.data.data.pages : [];
  const selected = picked ?? pages.filter((page) => page.connection !== "active").map((page) => page.id);
  const outcomes = connect.data?.success ? connect.data.data.channels : null;
  const refused = connect.data && !connect.data.success ? connect.data.error.message : null;

  return (
    <section aria-labelledby="picker-heading" className="rounded-lg border border-blue-200 bg-blue-50 p-4">
      <h2 id="picker-heading" className="font-semibold">
        Choose the Pages to connect
      </h2>
      {attempt.isPending ? (
        <p className="mt-2 text-sm text-slate-600">Loading the Pages you granted…</p>
      ) : failure ? (
        <div className="mt-2 text-sm">
          <p role="alert" className="text-red-800">
            {failure}
          </p>
          <button type="button" onClick={onDone} className="mt-1 underline">
            Close
          </button>
        </div>
      ) : outcomes ? (
        <div className="mt-2 text-sm">
          <ul role="status" className="space-y-1">
            {outcomes.map((outcome) => (
              <li key={`${outcome.provider}:${outcome.accountId}`} data-outcome={outcome.outcome}>
                <ChannelBadge provider={outcome.provider} /> {outcome.message}
              </li>
            ))}
          </ul>
          <button type="button" onClick={onDone} className="mt-2 underline">
            Done
          </button>
        </div>
      ) : pages.length === 0 ? (
        <div className="mt-2 text-sm">
          <p>No Pages were granted in the Facebook dialog. Connect again and tick the Pages Frontdesk may use.</p>
          <button type="button" onClick={onDone} className="mt-1 underline">
            Close
          </button>
        </div>
      ) : (
        <form
          className="mt-2 space-y-2 text-sm"
          onSubmit={(event) => {
            event.preventDefault();
            connect.mutate({ attemptId, pageIds: selected });
          }}
        >
          {pages.map((page) => (
            <label key={page.id} className="flex items-center gap-2">
              <input
                type="checkbox"
                checked={selected.includes(page.id)}
                onChange={(event) =>
                  setPicked(event.target.checked ? [...selected, page.id] : selected.filter((id) => id !== page.id))
                }
              />
              <span className="font-medium">{page.name}</span>
              {page.connection !== "new" ? (
                <span className="text-xs text-slate-600">({STATUS_LABELS[page.connection]} here)</span>
              ) : null}
            </label>
          ))}
          {refused ? (
            <p role="alert" className="text-red-800">
              {refused}
            </p>
          ) : null}
          <div className="flex gap-3 pt-1">
            <button
              type="submit"
              disabled={selected.length === 0 || connect.isPending}
              className="rounded-md bg-blue-600 px-3 py-1.5 font-medium text-white disabled:opacity-60"
            >
              {connect.isPending ? "Connecting…" : `Connect ${selected.length} Page${selected.length === 1 ? "" : "s"}`}
            </button>
            <button type="button" onClick={onDone} className="underline">
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function WhatsAppForm({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [fields, setFields] = useState({ phoneNumberId: "", wabaId: "", accessToken: "" });
  const connect = useMutation(
    trpc.channels.connectWhatsApp.mutationOptions({
      onSuccess: (result) => {
        // The token is not kept in the page once Meta has confirmed it.
        if (result.success) setFields({ phoneNumberId: "", wabaId: "", accessToken: "" });
      },
      onSettled: () => void queryClient.invalidateQueries({ queryKey: trpc.channels.list.pathKey() }),
    }),
  );
  const result = connect.data;
  const fieldErrors = result && !result.success ? (result.error.details?.fieldErrors ?? {}) : {};
  const formError = connect.error
    ? "Could not reach Frontdesk. Check your connection."
    : result && !result.success
      ? result.error.message
      : null;
  const input = (name: keyof typeof fields, label: string, type = "text") => (
    <label className="block text-sm">
      <span className="font-medium">{label}</span>
      <input
        name={name}
        type={type}
        autoComplete="off"
        value={fields[name]}
        onChange={(event) => setFields({ ...fields, [name]: event.target.value })}
        aria-invalid={Boolean(fieldErrors[name])}
        className="mt-1 w-full rounded-md border border-slate-300 px-3 py-1.5"
      />
      {fieldErrors[name] ? <span className="text-xs text-red-700">{fieldErrors[name]?.[0]}</span> : null}
    </label>
  );
  return (
    <section aria-labelledby="whatsapp-heading" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="whatsapp-heading" className="font-semibold">
        Connect a WhatsApp number
      </h2>
      <p className="text-sm text-slate-600">
        From WhatsApp Manager: the phone number id, the WhatsApp Business Account id and a permanent token.
      </p>
      <form
        className="mt-3 grid gap-3 sm:grid-cols-2"
        onSubmit={(event) => {
          event.preventDefault();
          connect.mutate({ workspaceId, ...fields });
        }}
      >
        {input("phoneNumberId", "Phone number id")}
        {input("wabaId", "WhatsApp Business Account id")}
        <div className="sm:col-span-2">{input("accessToken", "Permanent token", "password")}</div>
        <div className="flex items-center gap-3 sm:col-span-2">
          <button
            type="submit"
            disabled={connect.isPending}
            className="rounded-md bg-green-700 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60"
          >
            {connect.isPending ? "Checking with Meta…" : "Connect WhatsApp number"}
          </button>
          {formError ? (
            <span role="alert" className="text-sm text-red-700">
              {formError}
            </span>
          ) : result?.success ? (
            <span role="status" className="text-sm text-emerald-800">
              {result.data.message}
            </span>
          ) : null}
        </div>
      </form>
    </section>
  );
}
