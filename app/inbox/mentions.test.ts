import { describe, expect, it } from "vitest";
import { mentionCandidates, mentionedIds, mentionQuery } from "./mentions";

const casey = { userId: "u1", name: "Casey Coach", email: "casey@gym.test", role: "agent" as const };
const sam = { userId: "u2", name: null, email: "sam@gym.test", role: "manager" as const };

describe("mentions in a note", () => {
  it("notices an @ that starts a word, up to the caret", () => {
    expect(mentionQuery("Ask @Ca", 7)).toEqual({ start: 4, query: "Ca" });
    expect(mentionQuery("@", 1)).toEqual({ start: 0, query: "" });
    expect(mentionQuery("mail me@gym", 11)).toBeNull();
    expect(mentionQuery("Ask @Casey and", 14)).toBeNull();
  });

  it("offers teammates by any word of their name or their email, never oneself", () => {
    expect(mentionCandidates([casey, sam], "coa", "u9")).toEqual([casey]);
    expect(mentionCandidates([casey, sam], "sam", "u9")).toEqual([sam]);
    expect(mentionCandidates([casey, sam], "", "u1")).toEqual([sam]);
  });

  it("keeps only the picked teammates whose @name is still in the text", () => {
    expect(mentionedIds("@Casey Coach and @sam@gym.test, look", [casey, sam])).toEqual(["u1", "u2"]);
    expect(mentionedIds("never mind", [casey])).toEqual([]);
  });
});
