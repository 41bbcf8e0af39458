import type { LoaderFunctionArgs } from "@remix-run/node";
import { broadcastExportResponse } from "../api/broadcast-export.server";

/** A broadcast's recipients as a CSV file (app/api/broadcast-export.server.ts). */
export const loader = ({ request, params }: LoaderFunctionArgs) => broadcastExportResponse(request, params.broadcastId ?? "");
