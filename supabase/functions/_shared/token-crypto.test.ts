import { describe, expect, it } from "vitest";
import { decryptToken, encryptToken, parseKeyring } from "./token-crypto";

const key = (fill: number) => Buffer.alloc(32, fill).toString("base64");

describe("token encryption", () => {
  it("round-trips, and never stores the token in the clear", async () => {
    const keyring = await parseKeyring(`k1:${key(1)}`);
    const sealed = await encryptToken(keyring, "EAAG-page-token", "channel-a");
    expect(sealed.keyId).toBe("k1");
    expect(sealed.ciphertext).not.toContain("EAAG");
    expect(await decryptToken(keyring, sealed.ciphertext, sealed.keyId, "channel-a")).toBe("EAAG-page-token");
  });

  it("refuses a ciphertext moved to another channel, tampered with, or under an unknown key", async () => {
    const keyring = await parseKeyring(`k1:${key(1)}`);
    const sealed = await encryptToken(keyring, "EAAG-page-token", "channel-a");
    expect(await decryptToken(keyring, sealed.ciphertext, "k1", "channel-b")).toBeNull();
    const flipped = Buffer.from(sealed.ciphertext, "base64");
    flipped[20] = (flipped[20] ?? 0) ^ 1;
    expect(await decryptToken(keyring, flipped.toString("base64"), "k1", "channel-a")).toBeNull();
    expect(await decryptToken(keyring, sealed.ciphertext, "k0", "channel-a")).toBeNull();
  });

  it("decrypts with older keys after rotation and encrypts with the first", async () => {
    const old = await parseKeyring(`k1:${key(1)}`);
    const sealed = await encryptToken(old, "token", "c");
    const rotated = await parseKeyring(`k2:${key(2)},k1:${key(1)}`);
    expect(await decryptToken(rotated, sealed.ciphertext, sealed.keyId, "c")).toBe("token");
    expect((await encryptToken(rotated, "token", "c")).keyId).toBe("k2");
  });

  it("rejects malformed keyrings", async () => {
    await expect(parseKeyring("k1:short")).rejects.toThrow("keyId:base64(32 bytes)");
    await expect(parseKeyring("")).rejects.toThrow("empty");
  });
});
