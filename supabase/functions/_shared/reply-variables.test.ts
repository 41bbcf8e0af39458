import { describe, expect, it } from "vitest";
import { fillVariables, unfilledVariables, unknownVariables } from "./reply-variables";

describe("saved replies' variables", () => {
  it("fills what has a value and lists what has none, never leaving a blank", () => {
    expect(
      fillVariables("Hi {{contact.first_name}}, {{ agent.name }} here", { "contact.first_name": "Jordan", "agent.name": "Sam" }),
    ).toEqual({
      text: "Hi Jordan, Sam here",
      missing: [],
    });
    expect(fillVariables("Hi {{contact.first_name}}!", { "contact.first_name": "  " })).toEqual({
      text: "Hi {{contact.first_name}}!",
      missing: ["contact.first_name"],
    });
    expect(unfilledVariables("Hi {{contact.first_name}}! {{not.ours}}")).toEqual(["contact.first_name"]);
  });

  it("knows which names are not variables", () => {
    expect(unknownVariables("{{contact.name}} {{member.nickname}} {{member.nickname}}")).toEqual(["member.nickname"]);
  });
});
