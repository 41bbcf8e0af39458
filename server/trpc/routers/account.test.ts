import { randomUUID } from "node:crypto";
import { generateKeyPair, importJWK, type JWK, SignJWT } from "jose";
import { describe, expect, inject, it } from "vitest";
import { callerFor, createUser, createWorkspace, memberOfNewWorkspace, signIn } from "../../../dev/test/fixtures";

/** Re-signs Supabase-shaped claims: with the stack's key (to change one thing) or another key. */
async function forge(claims: Record<string, unknown>, key: "stack" | "other") {
  const jwk = inject("stack").signingJwk as JWK;
  const signingKey = key === "stack" ? await importJWK(jwk, "ES256") : (await generateKeyPair("ES256")).privateKey;
  return new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid: String(jwk.kid), typ: "JWT" }).sign(signingKey);
}

function claimsOf(accessToken: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(accessToken.split(".")[1] ?? "", "base64url").toString());
}

describe("me", () => {
  it("returns the user and only the workspaces they belong to", async () => {
    const coach = await createUser("coach");
    const first = await createWorkspace("Alpha Gym", [{ user: coach, role: "agent" }]);
    const second = await createWorkspace("Beta Gym", [{ user: coach, role: "manager" }]);
    await memberOfNewWorkspace(); // someone else's gym
    const session = await signIn(coach);

    const result = await (await callerFor(session.access_token)).me();
    expect(result).toEqual({
      success: true,
      data: {
        user: { id: coach.id, email: coach.email },
        workspaces: [
          { id: first, name: "Alpha Gym", role: "agent" },
          { id: second, name: "Beta Gym", role: "manager" },
        ],
      },
    });
  });

  it("is UNAUTHORIZED without a token", async () => {
    const result = await (await callerFor(null)).me();
    expect(result).toMatchObject({ success: false, error: { code: "UNAUTHORIZED" } });
  });

  describe("refuses tokens it must not trust", () => {
    const cases: [string, (token: string) => Promise<string>][] = [
      ["signed with another key", (token) => forge(claimsOf(token), "other")],
      [
        "expired",
        (token) =>
          forge(
            { ...claimsOf(token), iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 },
            "stack",
          ),
      ],
      [
        "with a tampered claim",
        async (token) => {
          const [header, , signature] = token.split(".");
          const payload = Buffer.from(JSON.stringify({ ...claimsOf(token), sub: randomUUID() })).toString("base64url");
          return `${header}.${payload}.${signature}`;
        },
      ],
      ["from another issuer", (token) => forge({ ...claimsOf(token), iss: "https://evil.example/auth/v1" }, "stack")],
      ["for another audience", (token) => forge({ ...claimsOf(token), aud: "service" }, "stack")],
      ["that is an API key, not a user", async () => inject("stack").env.SUPABASE_SERVICE_ROLE_KEY ?? ""],
      ["that is not a JWT", async () => "not-a-jwt"],
    ];
    it.each(cases)("%s → UNAUTHORIZED", async (_name, mutate) => {
      const { session } = await memberOfNewWorkspace();
      const genuine = await (await callerFor(session.access_token)).me();
      expect(genuine.success).toBe(true);

      const result = await (await callerFor(await mutate(session.access_token))).me();
      expect(result).toMatchObject({ success: false, error: { code: "UNAUTHORIZED" } });
    });
  });

  it("answers bad input with VALIDATION and the field errors", async () => {
    const { session } = await memberOfNewWorkspace();
    const caller = await callerFor(session.access_token);
    const result = await (caller.me as unknown as (input: unknown) => Promise<unknown>)({ workspaceId: 5 });
    expect(result).toMatchObject({ success: false, error: { code: "VALIDATION", details: { fieldErrors: expect.any(Object) } } });
  });
});
