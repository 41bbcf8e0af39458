import { exportRecipients } from "../../server/services/broadcast-export";
import { getBroadcast } from "../../server/services/broadcast-views";
import { csvDownload } from "./csv-download.server";
import { contextFor } from "./trpc.server";

/** `/broadcasts/{id}/recipients.csv`: a broadcast's recipients as a CSV download, streamed as the signed-in member. */
export async function broadcastExportResponse(request: Request, broadcastId: string): Promise<Response> {
  const { context, headers } = await contextFor(request);
  if (!context.claims) return new Response("Sign in to export recipients.", { status: 401, headers });
  if (!/^[0-9a-f-]{36}$/i.test(broadcastId)) return new Response("Which broadcast?", { status: 400, headers });
  const found = await getBroadcast(context.claims, broadcastId, context.log);
  if (!found.success) return new Response(found.error.message, { status: 404, headers });
  const lines = exportRecipients(context.claims, broadcastId, context.log);
  return csvDownload(lines, `broadcast-recipients-${broadcastId.slice(0, 8)}.csv`, headers);
}
