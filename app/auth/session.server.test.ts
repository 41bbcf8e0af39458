import { describe, expect, it } from "vitest";
import { safeNextPath } from "./session.server";

const origin = "https://crm.irontemple.example";

describe("where ?next= may send someone after signing in", () => {
  it.each([
    ["/inbox/123?status=open#composer", "/inbox/123?status=open#composer"],
    ["/settings/channels", "/settings/channels"],
    [`${origin}/inbox`, "/inbox"],
  ])("keeps a same-origin %s", (next, expected) => {
    expect(safeNextPath(next, origin)).toBe(expected);
  });

  it.each([
    ["/\\evil.com", "/inbox"],
    // How `?next=/%09/evil.com` arrives once the query string is decoded: a tab, which URL parsing drops.
    ["/\t/evil.com", "/inbox"],
    // Written literally it is a path on this origin, and stays one.
    ["/%09/evil.com", "/%09/evil.com"],
    ["//evil.com", "/inbox"],
    ["https://evil.com", "/inbox"],
    ["javascript:alert(1)", "/inbox"],
    ["/.//evil.com", "/inbox"],
    ["", "/inbox"],
    [null, "/inbox"],
  ])("never leaves this origin: %j → %s", (next, expected) => {
    const resolved = safeNextPath(next, origin);
    expect(resolved).toBe(expected);
    expect(new URL(resolved, origin).origin).toBe(origin);
  });
});
