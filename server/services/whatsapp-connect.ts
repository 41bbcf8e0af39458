import type { UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { fail, type Result } from "../lib/result";
import { subscribeWhatsAppAccount, whatsappAccountNumbers, whatsappNumber } from "../meta/graph-accounts";
import type { GraphFailure } from "../meta/graph-http";
import { type ChannelConnectOutcome, connectChannel, graphFailure, requireAdmin } from "./channel-save";
import { userTransaction } from "./user-transaction";

export interface WhatsAppInput {
  workspaceId: string;
  phoneNumberId: string;
  wabaId: string;
  accessToken: string;
}

/** A WhatsApp number by its ids and a permanent token, saved only after Meta confirms them. */
export async function connectWhatsApp(
  claims: UserClaims,
  input: WhatsAppInput,
  log: Logger,
): Promise<Result<ChannelConnectOutcome>> {
  const admin = await userTransaction(claims, log, "channels.connect_whatsapp", (tx) => requireAdmin(tx, input.workspaceId));
  if (!admin.success) return admin;
  // Everything is checked with Meta before anything is saved: the number, that it belongs to the account, and
  // the account's webhook subscription. An account Meta has not confirmed is never stored.
  const number = await whatsappNumber(input.phoneNumberId, input.accessToken);
  if (!number.ok) {
    return whatsappRefused(
      log,
      "whatsapp_number",
      number.failure,
      "phoneNumberId",
      "Meta knows no WhatsApp number with this id for this token.",
    );
  }
  const accountNumbers = await whatsappAccountNumbers(input.wabaId, input.accessToken);
  if (!accountNumbers.ok) {
    return whatsappRefused(
      log,
      "whatsapp_account",
      accountNumbers.failure,
      "wabaId",
      "Meta knows no WhatsApp Business Account with this id for this token.",
    );
  }
  if (!accountNumbers.value.includes(input.phoneNumberId)) {
    return fail("VALIDATION", "This number is not in that WhatsApp Business Account.", {
      details: { fieldErrors: { wabaId: ["This WhatsApp Business Account does not have that phone number."] } },
    });
  }
  const subscribed = await subscribeWhatsAppAccount(input.wabaId, input.accessToken);
  if (!subscribed.ok) {
    return whatsappRefused(
      log,
      "whatsapp_subscribe",
      subscribed.failure,
      "wabaId",
      "Meta did not subscribe Frontdesk to this account's messages.",
    );
  }
  const connected = await connectChannel(claims, log, input.workspaceId, {
    provider: "whatsapp",
    accountId: input.phoneNumberId,
    name: number.value.verifiedName || number.value.displayPhoneNumber,
    handle: number.value.displayPhoneNumber,
    token: input.accessToken,
    wabaId: input.wabaId,
  });
  if (connected.success && connected.data.outcome === "conflict") return fail("CONFLICT", connected.data.message);
  return connected;
}

/** Meta refused a WhatsApp check: the field it is about, or the token, named; no answer is a provider error. */
function whatsappRefused(
  log: Logger,
  step: string,
  failure: GraphFailure,
  field: "phoneNumberId" | "wabaId",
  message: string,
): Result<never> {
  if (failure.code === null) return graphFailure(log, step, failure);
  log.info("channels.whatsapp_refused", { step, graphCode: failure.code });
  const [key, text] = failure.tokenInvalid ? (["accessToken", "Meta did not accept this token."] as const) : [field, message];
  return fail("VALIDATION", "Meta could not confirm this WhatsApp number.", { details: { fieldErrors: { [key]: [text] } } });
}
