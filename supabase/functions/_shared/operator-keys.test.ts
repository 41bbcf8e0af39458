import { expect, it } from "vitest";
import { operatorKeys } from "./operator-keys";

it("takes the legacy service role key and every secret key of the project", () => {
  expect(operatorKeys("eyJ.legacy", '{"default":"sb_secret_a","ci":"sb_secret_b"}')).toEqual([
    "eyJ.legacy",
    "sb_secret_a",
    "sb_secret_b",
  ]);
  expect(operatorKeys("", '{"default":"sb_secret_a"}')).toEqual(["sb_secret_a"]);
});

it("adds nothing from what is not a dictionary of keys, and never an empty key", () => {
  for (const json of ["", "not json", '["sb_secret_a"]', '"sb_secret_a"', '{"a":"","b":7}']) {
    expect(operatorKeys("", json)).toEqual([]);
  }
});
