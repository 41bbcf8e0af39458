/**
 * A file a member sends, as the Meta simulator holds it (`POST /__media`): a WhatsApp media id and a
 * Messenger/Instagram CDN URL (which stops answering after `expiresInMs`, if given). A large file is named by its
 * path, so the simulator serves it from disk without holding it.
 */
export async function metaStores(metaUrl: string, source: Buffer | { file: string }, mimeType: string, expiresInMs?: number) {
  const bytes = Buffer.isBuffer(source) ? { base64: source.toString("base64") } : source;
  const response = await fetch(`${metaUrl}/__media`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...bytes, mimeType, expiresInMs }),
  });
  return (await response.json()) as { id: string; url: string };
}
