import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from "jose";

/** The stand-in's ES256 signing key: what hosted projects use, so tokens verify against the JWKS with no network call. */
export interface SigningKeys {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

async function generateSigningKeys(): Promise<{ keys: SigningKeys; privateJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const kid = crypto.randomUUID();
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: "ES256", use: "sig" };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" };
  return { keys: { kid, privateKey, publicKey, publicJwk }, privateJwk };
}

/** Loads the key kept under `.local/` so sessions survive restarts, creating it on first run. */
export async function loadOrCreateSigningKeys(file: string): Promise<SigningKeys> {
  try {
    const privateJwk = JSON.parse(await readFile(file, "utf8")) as JWK;
    const { d: _private, ...publicJwk } = privateJwk;
    const privateKey = (await importJWK(privateJwk, "ES256")) as CryptoKey;
    const publicKey = (await importJWK(publicJwk, "ES256")) as CryptoKey;
    return { kid: String(privateJwk.kid), privateKey, publicKey, publicJwk };
  } catch {
    const { keys, privateJwk } = await generateSigningKeys();
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(privateJwk), { mode: 0o600 });
    return keys;
  }
}

/** API keys shaped like Supabase's legacy anon/service keys: `{ iss, ref, role, iat, exp }`. */
export function mintApiKey(keys: SigningKeys, role: "anon" | "service_role"): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: "supabase-demo", ref: "local", role })
    .setProtectedHeader({ alg: "ES256", kid: keys.kid, typ: "JWT" })
    .setIssuedAt(iat)
    .setExpirationTime(iat + 10 * 365 * 24 * 3600)
    .sign(keys.privateKey);
}
