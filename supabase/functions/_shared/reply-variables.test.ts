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

  it("takes the workspace's custom fields as {{contact.<key>}}, and never sends one left unfilled", () => {
    expect(unknownVariables("Your {{contact.plan}} renews on {{contact.renewal_date}}", ["plan"])).toEqual([
      "contact.renewal_date",
    ]);
    expect(fillVariables("Your {{contact.plan}} plan", { "contact.plan": "Gold" })).toEqual({
      text: "Your Gold plan",
      missing: [],
    });
    expect(unfilledVariables("Your {{contact.plan}} plan")).toEqual(["contact.plan"]);
  });
});
