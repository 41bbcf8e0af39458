import type { WorkspaceHealth } from "../api/types";
import { ChannelBadge } from "../ui/channel-badge";
import { sinceLabel } from "../ui/time";
import { STATUS_LABELS } from "./channel-status";

const section = "rounded-xl border border-slate-200 bg-white p-4";
const heading = "text-base font-semibold";
const cell = "px-2 py-1.5 text-left align-top";
const never = (date: Date | null) => (date ? sinceLabel(date) : "never");

/** Per channel: is it connected, when did a member last write, when did a reply last go, what failed today. */
export function ChannelHealth({ channels }: { channels: WorkspaceHealth["channels"] }) {
  return (
    <section className={section} aria-labelledby="health-channels">
      <h2 id="health-channels" className={heading}>
        Channels
      </h2>
      {channels.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">No connected channels.</p>
      ) : (
        <table className="mt-2 w-full text-sm">
          <thead className="text-xs uppercase text-slate-600">
            <tr>
              <th className={cell}>Channel</th>
              <th className={cell}>Status</th>
              <th className={cell}>Last message in</th>
              <th className={cell}>Last reply sent</th>
              <th className={cell}>Failed replies (24 h)</th>
            </tr>
          </thead>
          <tbody>
            {channels.map((channel) => (
              <tr key={channel.id} className="border-t border-slate-100" data-testid="health-channel">
                <td className={cell}>
                  <ChannelBadge provider={channel.provider} /> {channel.name}
                </td>
                <td className={cell}>{STATUS_LABELS[channel.status]}</td>
                <td className={cell}>{never(channel.lastInboundAt)}</td>
                <td className={cell}>{never(channel.lastSentAt)}</td>
                <td className={`${cell} ${channel.failedSends24h > 0 ? "font-semibold text-red-700" : ""}`}>
                  {channel.failedSends24h}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Webhooks from Meta today, and the ones that could not be applied, with why and when they are tried again. */
export function WebhookHealth({ health }: { health: WorkspaceHealth }) {
  const { processed, unroutable, failed } = health.webhooks24h;
  return (
    <section className={section} aria-labelledby="health-webhooks">
      <h2 id="health-webhooks" className={heading}>
        Webhooks (24 h)
      </h2>
      <p className="mt-2 text-sm" data-testid="health-webhook-counts">
        {processed} processed · {unroutable} for no connected channel · {failed} failed
      </p>
      {health.failingWebhooks.length === 0 ? null : (
        <ul className="mt-2 space-y-2 text-sm">
          {health.failingWebhooks.map((webhook) => {
            const givenUp = webhook.attempts >= health.healAttempts;
            return (
              <li key={webhook.id} className="rounded-md bg-red-50 p-2 text-red-900" data-testid="health-failing-webhook">
                <span className="font-medium">Webhook {webhook.id}</span>, received {sinceLabel(webhook.receivedAt)}:{" "}
                <code className="break-all">{webhook.error ?? "not applied"}</code>.{" "}
                {givenUp
                  ? `Tried ${webhook.attempts} times; it will not be tried again automatically.`
                  : `Tried ${webhook.attempts} ${webhook.attempts === 1 ? "time" : "times"}; tried again automatically.`}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** The background queue: how much waits and for how long, what keeps failing, and whether a worker is running. */
export function QueueHealth({ health }: { health: WorkspaceHealth }) {
  const { queue, failingJobs, failingSystemJobs, workerBeatAt } = health;
  const silent = !workerBeatAt || Date.now() - workerBeatAt.getTime() > 60_000;
  return (
    <section className={section} aria-labelledby="health-queue">
      <h2 id="health-queue" className={heading}>
        Background work
      </h2>
      <p className={`mt-2 text-sm ${silent ? "font-semibold text-red-700" : ""}`} data-testid="health-worker">
        {silent
          ? `No worker is running (last heard from ${never(workerBeatAt)}): profile lookups, send confirmations and webhook retries wait.`
          : `A worker is running (last heard from ${sinceLabel(workerBeatAt)}).`}
      </p>
      <p className="mt-1 text-sm">
        {queue.depth} waiting{queue.oldestWaitingSince ? `, the oldest since ${sinceLabel(queue.oldestWaitingSince)}` : ""} ·{" "}
        {queue.running} running
      </p>
      {failingJobs.length === 0 ? null : (
        <ul className="mt-2 space-y-1 text-sm">
          {failingJobs.map((job) => (
            <li key={job.id} className="text-amber-900">
              <code>{job.task}</code>: attempt {job.attempts} of {job.maxAttempts}, {job.lastError ?? "failed"}
            </li>
          ))}
        </ul>
      )}
      {failingSystemJobs === 0 ? null : (
        <p className="mt-2 text-sm text-amber-900">
          {failingSystemJobs} scheduled {failingSystemJobs === 1 ? "job is" : "jobs are"} failing (the operator sees why in the
          worker's log).
        </p>
      )}
    </section>
  );
}
