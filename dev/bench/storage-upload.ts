import { createReadStream } from "node:fs";
import http from "node:http";
import { pipeline } from "node:stream/promises";
import { ATTACHMENTS_BUCKET } from "../../supabase/functions/_shared/outbound-media";

/** Uploads a file on disk to the attachments bucket with a user's token, streamed (never held), as the browser does. */
export async function uploadFile(
  project: { supabaseUrl: string; anonKey: string },
  token: string,
  storedPath: string,
  file: string,
  mimeType: string,
): Promise<void> {
  const encoded = storedPath.split("/").map(encodeURIComponent).join("/");
  const url = `${project.supabaseUrl}/storage/v1/object/${ATTACHMENTS_BUCKET}/${encoded}`;
  const status = await new Promise<number>((resolve, reject) => {
    const request = http.request(
      url,
      { method: "POST", headers: { authorization: `Bearer ${token}`, apikey: project.anonKey, "content-type": mimeType } },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 500);
      },
    );
    request.once("error", reject);
    pipeline(createReadStream(file), request).catch(reject);
  });
  if (status !== 200) throw new Error(`the upload answered ${status}`);
}
