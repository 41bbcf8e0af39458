/**
 * Page and WhatsApp access tokens at rest: AES-256-GCM with Web Crypto. The key id is stored beside
 * each ciphertext so keys can rotate; the channel account id is bound in as associated data, so a
 * ciphertext copied onto another channel's row does not decrypt.
 * Keyring spec (TOKEN_ENCRYPTION_KEYS): `keyId:base64(32 bytes)[,keyId:base64…]`, the first one encrypts.
 */
export interface Keyring {
  current: string;
  keys: Map<string, CryptoKey>;
}

function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export async function parseKeyring(spec: string): Promise<Keyring> {
  const keys = new Map<string, CryptoKey>();
  let current = "";
  for (const part of spec
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [id, material] = part.split(":");
    const raw =
      material && /^[A-Za-z0-9+/]+={0,2}$/.test(material) && material.length % 4 === 0
        ? base64ToBytes(material)
        : new Uint8Array();
    if (!id || raw.length !== 32) throw new Error("TOKEN_ENCRYPTION_KEYS: each entry is keyId:base64(32 bytes)");
    keys.set(id, await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]));
    current ||= id;
  }
  if (!current) throw new Error("TOKEN_ENCRYPTION_KEYS is empty");
  return { current, keys };
}

export async function encryptToken(
  keyring: Keyring,
  token: string,
  channelAccountId: string,
): Promise<{ ciphertext: string; keyId: string }> {
  const key = keyring.keys.get(keyring.current);
  if (!key) throw new Error("no current token key");
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(channelAccountId) },
      key,
      new TextEncoder().encode(token),
    ),
  );
  const out = new Uint8Array(iv.length + sealed.length);
  out.set(iv);
  out.set(sealed, iv.length);
  return { ciphertext: bytesToBase64(out), keyId: keyring.current };
}

/** The token, or null when its key is gone or the ciphertext was tampered with or moved. */
export async function decryptToken(
  keyring: Keyring,
  ciphertext: string,
  keyId: string,
  channelAccountId: string,
): Promise<string | null> {
  const key = keyring.keys.get(keyId);
  if (!key) return null;
  try {
    const bytes = base64ToBytes(ciphertext);
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: bytes.slice(0, 12), additionalData: new TextEncoder().encode(channelAccountId) },
      key,
      bytes.slice(12),
    );
    return new TextDecoder().decode(plain);
  } catch {
    return null;
  }
}
