/** Meta signs every webhook: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`. */
export async function isSignedByMeta(
  rawBody: Uint8Array<ArrayBuffer>,
  header: string | null,
  appSecret: string,
): Promise<boolean> {
  const presented = header?.match(/^sha256=([0-9a-f]{64})$/i)?.[1]?.toLowerCase();
  if (!presented || !appSecret) return false;
  const key = await hmacKey(appSecret);
  const digest = new Uint8Array(await crypto.subtle.sign("HMAC", key, rawBody));
  const expected = Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return timingSafeEqual(presented, expected);
}

const keys = new Map<string, Promise<CryptoKey>>();
/** Importing the key costs more than the HMAC itself; every webhook uses the same one. */
function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    keys.set(secret, key);
  }
  return key;
}

/** Compares secrets in time independent of where they differ. */
export function timingSafeEqual(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  let difference = left.length ^ right.length;
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    difference |= (left[i] ?? 0) ^ (right[i] ?? 0);
  }
  return difference === 0;
}
