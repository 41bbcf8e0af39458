import { describe, expect, it } from "vitest";
import { signState, verifyState } from "./signed-state";

describe("OAuth state", () => {
  const attemptId = "6f1d3c2a-8b4e-4f0a-9c1d-2e3f4a5b6c7d";
  const inTenMinutes = new Date(Date.now() + 600_000);

  it("verifies what it signed and names the attempt", () => {
    expect(verifyState(signState(attemptId, inTenMinutes))).toEqual({ valid: true, attemptId });
  });

  it("refuses a state whose attempt, expiry or signature was changed", () => {
    const [, expiry, signature] = signState(attemptId, inTenMinutes).split(".");
    const otherAttempt = "00000000-0000-4000-8000-000000000000";
    expect(verifyState(`${otherAttempt}.${expiry}.${signature}`)).toEqual({ valid: false, reason: "forged" });
    expect(verifyState(`${attemptId}.${Number(expiry) + 3600}.${signature}`)).toEqual({ valid: false, reason: "forged" });
    expect(verifyState(`${attemptId}.${expiry}.${"x".repeat(43)}`)).toEqual({ valid: false, reason: "forged" });
  });

  it("refuses an expired or malformed state", () => {
    expect(verifyState(signState(attemptId, new Date(Date.now() - 1_000)))).toEqual({ valid: false, reason: "expired" });
    for (const state of ["", "abc", `${attemptId}.123`, `${attemptId}.1.2.3`]) {
      expect(verifyState(state)).toEqual({ valid: false, reason: "malformed" });
    }
  });
});
