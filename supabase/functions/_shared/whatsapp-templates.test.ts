import { describe, expect, it } from "vitest";
import { renderedText, sendComponents, type TemplateComponent, templateSlots, templateValueProblems } from "./whatsapp-templates";

const reminder: TemplateComponent[] = [
  { type: "HEADER", format: "TEXT", text: "Class {{1}}" },
  { type: "BODY", text: "Hi {{2}}, {{1}} is at {{3}}; {{2}}, bring water.", example: { body_text: [["Spin", "Sam", "7:00"]] } },
  { type: "FOOTER", text: "Iron Temple" },
  {
    type: "BUTTONS",
    buttons: [
      { type: "QUICK_REPLY", text: "OK" },
      { type: "URL", text: "Book", url: "https://x.example/b/{{1}}" },
    ],
  },
];

describe("WhatsApp templates", () => {
  it("ask for each placeholder once, positional ones in number order, a URL button's suffix by its index", () => {
    expect(templateSlots(reminder).map((slot) => slot.key)).toEqual(["header.1", "body.1", "body.2", "body.3", "button.1"]);
    expect(templateSlots(reminder).find((slot) => slot.key === "body.2")?.example).toBe("Sam");
  });

  it("send the values in Meta's order, and render what the member reads", () => {
    const values = { "header.1": "Spin", "body.1": "Spin", "body.2": "Sam", "body.3": "7:00", "button.1": "abc" };
    expect(sendComponents(reminder, values)).toEqual([
      { type: "header", parameters: [{ type: "text", text: "Spin" }] },
      {
        type: "body",
        parameters: [
          { type: "text", text: "Spin" },
          { type: "text", text: "Sam" },
          { type: "text", text: "7:00" },
        ],
      },
      { type: "button", sub_type: "url", index: "1", parameters: [{ type: "text", text: "abc" }] },
    ]);
    expect(renderedText(reminder, values)).toBe("Class Spin\n\nHi Sam, Spin is at 7:00; Sam, bring water.\n\nIron Temple");
  });

  it("flag a missing, blank, multi-line or unknown value", () => {
    expect(
      templateValueProblems(reminder, { "header.1": "Spin", "body.1": " ", "body.2": "a\nb", "body.3": "7", "body.9": "x" }),
    ).toEqual({
      "body.1": expect.stringContaining("blank"),
      "body.2": expect.stringContaining("line breaks"),
      "button.1": expect.stringContaining("blank"),
      "body.9": "This template has no such variable.",
    });
  });
});
