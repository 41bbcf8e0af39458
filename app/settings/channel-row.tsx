import { useEffect, useState } from "react";
import type { Channel } from "../api/types";
import { ChannelBadge } from "../ui/channel-badge";
import { sinceLabel } from "../ui/time";
import { STATUS_LABELS } from "./channel-status";
import { ConnectWithFacebook } from "./connect-with-facebook";

const STATUS_STYLES = {
  active: "bg-emerald-100 text-emerald-900",
  needs_reconnect: "bg-amber-100 text-amber-900",
  disconnected: "bg-slate-200 text-slate-800",
} as const;

/** One channel: what it is, its health, and what an admin can do with it now. */
export function ChannelRow(props: {
  channel: Channel;
  /** Instagram accounts reached through this Page: a disconnect takes them along. */
  linked: Channel[];
  workspaceId: string;
  isAdmin: boolean;
  busy: boolean;
  onDisconnect: () => void;
  onRemove: () => void;
  onReconnectWhatsApp: (channel: Channel) => void;
  onError: (message: string) => void;
}) {
  const { channel } = props;
  const [confirming, setConfirming] = useState<"disconnect" | "remove" | null>(null);
  // Once it has happened (or the status changed elsewhere), the question is answered.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the status is the trigger, not a value read.
  useEffect(() => setConfirming(null), [channel.status]);
  const disconnected = channel.status === "disconnected";
  const when = disconnected
    ? channel.disconnectedAt
      ? ` · disconnected ${sinceLabel(channel.disconnectedAt)}`
      : ""
    : channel.connectedAt
      ? ` · connected ${sinceLabel(channel.connectedAt)}`
      : "";
  const reconnect =
    channel.provider === "whatsapp" ? (
      <button
        type="button"
        onClick={() => props.onReconnectWhatsApp(channel)}
        className="rounded-md border border-slate-400 px-3 py-1.5 text-sm hover:bg-slate-100"
      >
        Reconnect
      </button>
    ) : (
      <ConnectWithFacebook workspaceId={props.workspaceId} label="Reconnect" onError={props.onError} />
    );
  const button = "rounded-md border border-slate-400 px-3 py-1.5 text-sm hover:bg-slate-100";
  return (
    <li data-testid="channel-row" data-status={channel.status} className="flex flex-wrap items-center gap-3 p-4">
      <ChannelBadge provider={channel.provider} long />
      <div className="min-w-0 flex-1">
        <p className="truncate font-medium">{channel.displayName}</p>
        <p className="truncate text-xs text-slate-600">
          {channel.displayHandle ? `${channel.displayHandle} · ` : ""}id {channel.providerAccountId}
          {when}
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
      {props.isAdmin ? (
        <div className="flex w-full flex-wrap items-center justify-end gap-2 sm:w-auto">
          {confirming === "disconnect" ? (
            <ConfirmDanger
              label="Confirm disconnecting"
              testId="disconnect-warning"
              warning={`Webhooks stop and the token is wiped; conversations stay.${
                props.linked.length > 0
                  ? ` This also disconnects ${props.linked.map((ig) => `${ig.displayHandle ?? ig.displayName} (Instagram)`).join(", ")}, reached through this Page.`
                  : ""
              }`}
              action={props.busy ? "Disconnecting…" : `Disconnect ${channel.displayName}`}
              busy={props.busy}
              onConfirm={props.onDisconnect}
              onCancel={() => setConfirming(null)}
            />
          ) : confirming === "remove" ? (
            <ConfirmDanger
              label="Confirm removing"
              testId="remove-warning"
              warning={`This deletes ${channel.conversations} conversation${channel.conversations === 1 ? "" : "s"} and their messages for good.`}
              action={props.busy ? "Removing…" : `Remove ${channel.displayName}`}
              busy={props.busy}
              onConfirm={props.onRemove}
              onCancel={() => setConfirming(null)}
            />
          ) : disconnected ? (
            <>
              {reconnect}
              <button type="button" onClick={() => setConfirming("remove")} className={button}>
                Remove
              </button>
            </>
          ) : (
            <>
              {channel.status === "needs_reconnect" ? reconnect : null}
              <button type="button" onClick={() => setConfirming("disconnect")} className={button}>
                Disconnect
              </button>
            </>
          )}
        </div>
      ) : null}
    </li>
  );
}

/** "Are you sure?" for what cannot be undone: what it will do, the action named, and a way out. */
function ConfirmDanger(props: {
  label: string;
  testId: string;
  warning: string;
  action: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <fieldset aria-label={props.label} className="flex flex-wrap items-center gap-2">
      <span className="text-sm text-slate-800" data-testid={props.testId}>
        {props.warning}
      </span>
      <button
        type="button"
        onClick={props.onConfirm}
        disabled={props.busy}
        className="rounded-md bg-red-700 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60"
      >
        {props.action}
      </button>
      <button type="button" onClick={props.onCancel} className="text-sm underline">
        Keep it
      </button>
    </fieldset>
  );
}
