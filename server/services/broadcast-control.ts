import { unknownBroadcastVariables, variablesIn } from "../../supabase/functions/_shared/broadcast-message";
import { headerMediaFormat, type TemplateComponent, templateSlots } from "../../supabase/functions/_shared/whatsapp-templates";
import type { Tx, UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, fieldFailure, ok, type Result } from "../lib/result";
import { broadcastNotFound, forbiddenForAgents } from "./broadcast-drafts";
import { type Broadcast, loadBroadcast } from "./broadcast-shape";
import { fieldsOf } from "./contact-fields";
import { userTransaction } from "./user-transaction";

const STARTS: Record<string, () => Result<never>> = {
  not_draft: () => fail("CONFLICT", "This broadcast has already started."),
  in_the_past: () => fieldFailure("sendAt", "Pick a time in the future, or send it now."),
  empty_audience: () => fieldFailure("audience", "No one in this audience can be sent it. Widen the audience."),
  no_message: () => fieldFailure("message", "Write the message first."),
  template_not_approved: () => fieldFailure("templateId", "This template is not approved by Meta. Pick an approved one."),
  channel_needs_reconnect: () =>
    fail("PROVIDER_ERROR", "This channel needs reconnecting in Settings before it can send.", { retryable: false }),
  forbidden: forbiddenForAgents,
};

/**
 * What keeps a draft's message from going to every recipient: a template slot without a value, a variable that is not
 * one, a contact variable without a fallback (someone would get a blank), a header file (not supported yet).
 */
async function messageProblems(tx: Tx, broadcast: Broadcast): Promise<Record<string, string[]>> {
  const fieldKeys = (await fieldsOf(tx, broadcast.workspaceId)).map((field) => field.key);
  const problems: Record<string, string[]> = {};
  const texts: string[] = [];
  if (broadcast.channel.provider === "whatsapp") {
    const [template] = await tx<{ components: TemplateComponent[] }[]>`
      select components from public.whatsapp_templates where id = ${broadcast.templateId}`;
    if (!template) return { templateId: ["Pick an approved template."] };
    if (headerMediaFormat(template.components)) {
      return { templateId: ["Templates with a header photo, video or document cannot be broadcast yet. Pick another."] };
    }
    for (const slot of templateSlots(template.components)) {
      const value = broadcast.templateValues[slot.key]?.trim();
      if (!value) problems[`templateValues.${slot.key}`] = [`Fill in ${slot.label}.`];
      else texts.push(value);
    }
  } else if (broadcast.body?.trim()) texts.push(broadcast.body);
  else problems.body = ["Write the message."];
  for (const text of texts) {
    const unknown = unknownBroadcastVariables(text, fieldKeys);
    if (unknown.length > 0) problems.message = [`Unknown variable: ${unknown.map((name) => `{{${name}}}`).join(", ")}`];
    for (const name of variablesIn(text)) {
      if (name !== "gym.name" && !unknown.includes(name) && !broadcast.fallbacks[name]?.trim()) {
        problems[`fallbacks.${name}`] = [`Give {{${name}}} a fallback for members without one.`];
      }
    }
  }
  return problems;
}

/** Sends a draft now, or schedules it (app.start_broadcast); a second click finds it started and changes nothing. */
export function startBroadcast(
  claims: UserClaims,
  input: { broadcastId: string; sendAt: Date | null },
  log: Logger,
): Promise<Result<Broadcast>> {
  return userTransaction(claims, log, "broadcasts.start", async (tx) => {
    const broadcast = await loadBroadcast(tx, input.broadcastId);
    if (!broadcast) return broadcastNotFound();
    if (broadcast.status === "draft") {
      const problems = await messageProblems(tx, broadcast);
      if (Object.keys(problems).length > 0) {
        return fail("VALIDATION", "The message is not ready to send.", { details: { fieldErrors: problems } });
      }
    }
    const [row] = await tx<{ outcome: string }[]>`select app.start_broadcast(${input.broadcastId}, ${input.sendAt}) as outcome`;
    const refused = STARTS[row?.outcome ?? ""];
    if (refused) return refused();
    if (row?.outcome !== "changed") return broadcastNotFound();
    const started = await loadBroadcast(tx, input.broadcastId);
    return started ? ok(started) : broadcastNotFound();
  });
}

const CHANGES: Record<string, () => Result<never>> = {
  forbidden: forbiddenForAgents,
  conflict: () => fail("CONFLICT", "The broadcast is not in a state that allows this. Reload it."),
  channel_needs_reconnect: () =>
    fail("PROVIDER_ERROR", "The channel needs reconnecting in Settings before the broadcast can resume.", { retryable: false }),
  template_not_approved: () => fail("CONFLICT", "The template is no longer approved by Meta, so the broadcast cannot resume."),
  no_message: () => fail("CONFLICT", "The broadcast has no message."),
};

/** Pause, resume or cancel (app.change_broadcast); the worker sees it before its next batch, within a second. */
export function changeBroadcast(
  claims: UserClaims,
  input: { broadcastId: string; action: "pause" | "resume" | "cancel" },
  log: Logger,
): Promise<Result<Broadcast>> {
  return userTransaction(claims, log, `broadcasts.${input.action}`, async (tx) => {
    const [row] = await tx<{ outcome: string }[]>`select app.change_broadcast(${input.broadcastId}, ${input.action}) as outcome`;
    const refused = CHANGES[row?.outcome ?? ""];
    if (refused) return refused();
    if (row?.outcome !== "changed") return broadcastNotFound();
    const changed = await loadBroadcast(tx, input.broadcastId);
    return changed ? ok(changed) : broadcastNotFound();
  });
}

/**
 * Sends failed recipients again where their failure may pass; those Meta never confirmed only when `includeUnconfirmed`
 * (they may have been delivered). Each keeps its message, so none is sent twice by a retry racing another.
 */
export function retryBroadcastRecipients(
  claims: UserClaims,
  input: { broadcastId: string; includeUnconfirmed: boolean },
  log: Logger,
): Promise<Result<{ retried: number }>> {
  return userTransaction(claims, log, "broadcasts.retry", async (tx) => {
    const [row] = await tx<{ outcome: string; retried: number }[]>`
      select outcome, retried from app.retry_broadcast_recipients(${input.broadcastId}, ${input.includeUnconfirmed})`;
    if (row?.outcome === "changed") return ok({ retried: row.retried });
    if (row?.outcome === "forbidden") return forbiddenForAgents();
    if (row?.outcome === "conflict") return fail("CONFLICT", "A cancelled broadcast sends nothing more.");
    return broadcastNotFound();
  });
}
