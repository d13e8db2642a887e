import { describe, expect, it } from "vitest";
import { describeValidation } from "./error-handler.js";

describe("describeValidation", () => {
  it("names missing and ill-typed fields", () => {
    expect(
      describeValidation("body", [
        { instancePath: "/prompt", message: "Invalid input: expected string, received undefined" },
        { instancePath: "/max_tokens", message: "Too small: expected number to be >0" },
      ]),
    ).toBe(
      "Invalid request body: prompt is required; max_tokens: Too small: expected number to be >0",
    );
  });

  it("uses the context for root-level problems and caps the list", () => {
    const issues = Array.from({ length: 7 }, (_, index) => ({
      instancePath: `/f${index}`,
      message: "bad",
    }));
    const message = describeValidation("querystring", issues);
    expect(message).toContain("f4: bad");
    expect(message).not.toContain("f5");
    expect(message).toContain("(and 2 more)");
    expect(describeValidation("body", [{ instancePath: "", message: "Invalid input" }])).toBe(
      "Invalid request body: body: Invalid input",
    );
  });
});
