import { Readable } from "node:stream";

/** A CSV file the browser downloads, streamed from `lines` as they come (never held whole). */
export function csvDownload(lines: AsyncIterable<string>, filename: string, headers: Headers): Response {
  headers.set("content-type", "text/csv; charset=utf-8");
  headers.set("content-disposition", `attachment; filename="${filename}"`);
  headers.set("cache-control", "no-store");
  return new Response(Readable.toWeb(Readable.from(lines)) as ReadableStream, { headers });
}
