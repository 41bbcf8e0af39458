import { describe, expect, it } from "vitest";
import { snippetAround } from "./search-snippet";

describe("snippetAround", () => {
  it("shows the match with some context, on one line, marking what was cut", () => {
    const text = `${"Hello there. ".repeat(10)}Can I FREEZE my\nmembership for March? ${"Thanks! ".repeat(20)}`;
    const snippet = snippetAround(text, "freeze");
    expect(snippet.startsWith("…")).toBe(true);
    expect(snippet.endsWith("…")).toBe(true);
    expect(snippet).toContain("Can I FREEZE my membership for March?");
    expect(snippet.length).toBeLessThan(130);
  });

  it("keeps a short message whole and never splits an emoji at a cut", () => {
    expect(snippetAround("Is the pool open?", "pool")).toBe("Is the pool open?");
    const text = `${"💪".repeat(40)}freeze${"💪".repeat(60)}`;
    expect(snippetAround(text, "freeze").isWellFormed()).toBe(true);
  });
});
