import type { LoaderFunctionArgs } from "@remix-run/node";
import { contactsExportResponse } from "../api/contacts-export.server";

/** The contacts page's current filter as a CSV file (app/api/contacts-export.server.ts). */
export const loader = ({ request }: LoaderFunctionArgs) => contactsExportResponse(request);
