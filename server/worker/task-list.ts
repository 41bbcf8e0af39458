import type { TaskList } from "graphile-worker";
import type { Logger } from "../lib/logger";
import { confirmConsentTask } from "./tasks/confirm-consent";
import { confirmSendTask, sweepUnconfirmedSendsTask } from "./tasks/confirm-send";
import { healWebhooksTask } from "./tasks/heal-webhooks";
import { importContactsTask } from "./tasks/import-contacts";
import { lookupProfileTask } from "./tasks/lookup-profile";
import { removeExpiredTask } from "./tasks/remove-expired";
import { sendBroadcastTask } from "./tasks/send-broadcast";
import { sendMediaTask } from "./tasks/send-media";
import { storeMediaTask } from "./tasks/store-media";
import { syncTemplatesTask } from "./tasks/sync-templates";

/** Every task by the identifier jobs name it with (SQL enqueues some: …_background_jobs.sql). */
export function frontdeskTasks(log: Logger): TaskList {
  return {
    "lookup-profile": lookupProfileTask(log.child({ task: "lookup-profile" })),
    "store-media": storeMediaTask(log.child({ task: "store-media" })),
    "send-media": sendMediaTask(log.child({ task: "send-media" })),
    "confirm-send": confirmSendTask(log.child({ task: "confirm-send" })),
    "sweep-unconfirmed-sends": sweepUnconfirmedSendsTask(log.child({ task: "sweep-unconfirmed-sends" })),
    "heal-webhooks": healWebhooksTask(log.child({ task: "heal-webhooks" })),
    "remove-expired": removeExpiredTask(log.child({ task: "remove-expired" })),
    "sync-templates": syncTemplatesTask(log.child({ task: "sync-templates" })),
    "import-contacts": importContactsTask(log.child({ task: "import-contacts" })),
    "send-broadcast": sendBroadcastTask(log.child({ task: "send-broadcast" })),
    "confirm-consent": confirmConsentTask(log.child({ task: "confirm-consent" })),
  };
}

/**
 * The schedule (graphile-worker crontab; one worker schedules each tick however many run). A job key per entry
 * keeps a slow run from piling up behind itself.
 */
export const FRONTDESK_CRONTAB = [
  "* * * * * heal-webhooks ?max=1&jobKey=heal-webhooks",
  "17 * * * * remove-expired ?max=1&jobKey=remove-expired",
  "*/15 * * * * sweep-unconfirmed-sends ?max=1&jobKey=sweep-unconfirmed-sends",
].join("\n");
