import { exportContacts } from "../../server/services/contact-export";
import { listContactFields } from "../../server/services/contact-fields";
import { filtersFromParams } from "../contacts/contact-filter-params";
import { csvDownload } from "./csv-download.server";
import { contextFor } from "./trpc.server";

/**
 * `/contacts/export.csv?workspace=…&<the contacts page's filters>`: the filtered contacts as a CSV download, streamed
 * page by page as the signed-in member (RLS applies), so a gym's whole list never sits in memory.
 */
export async function contactsExportResponse(request: Request): Promise<Response> {
  const { context, headers } = await contextFor(request);
  if (!context.claims) return new Response("Sign in to export contacts.", { status: 401, headers });
  const params = new URL(request.url).searchParams;
  const workspaceId = params.get("workspace") ?? "";
  if (!/^[0-9a-f-]{36}$/i.test(workspaceId)) return new Response("Which workspace?", { status: 400, headers });
  const fields = await listContactFields(context.claims, workspaceId, context.log);
  if (!fields.success) return new Response(fields.error.message, { status: 404, headers });
  const lines = exportContacts(
    context.claims,
    workspaceId,
    fields.data.fields,
    filtersFromParams(params, fields.data.fields),
    context.log,
  );
  return csvDownload(lines, `contacts-${new Date().toISOString().slice(0, 10)}.csv`, headers);
}
