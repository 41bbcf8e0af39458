import { stringify } from "csv-stringify/sync";
import type { UserClaims } from "../db/client";
import type { Logger } from "../lib/logger";
import { allRecipients } from "./broadcast-views";
import { spreadsheetCell } from "./spreadsheet-cell";

/** A broadcast's recipients as CSV, a page at a time as the member (RLS applies): who, where, what became of it. */
export async function* exportRecipients(claims: UserClaims, broadcastId: string, log: Logger): AsyncGenerator<string> {
  yield stringify([["Name", "Address", "Channel", "Status", "Reason", "Sent", "Delivered", "Read", "Replied"]]);
  const when = (date: Date | null) => date?.toISOString() ?? "";
  for await (const page of allRecipients(claims, broadcastId, log)) {
    yield stringify(
      page.map((r) =>
        [
          r.name ?? "",
          r.address ?? "",
          r.provider,
          r.status,
          r.reason ?? "",
          when(r.sentAt),
          when(r.deliveredAt),
          when(r.readAt),
          when(r.repliedAt),
        ].map(spreadsheetCell),
      ),
    );
  }
}
