import { describe, expect, it } from "vitest";
import { parseApiArgs } from "./cli.js";

describe("parseApiArgs", () => {
  it("reads the rkat-rest flags", () => {
    expect(
      parseApiArgs(["--realm", "team-alpha", "--instance", "i1", "--isolated", "--expose-paths"]),
    ).toEqual({
      realm: "team-alpha",
      instance: "i1",
      isolated: true,
      exposePaths: true,
      ignored: [],
    });
  });

  it("accepts the reference's storage flags and reports them as ignored", () => {
    expect(parseApiArgs(["--state-root", "/tmp/x"]).ignored).toEqual(["state-root"]);
  });

  it("rejects unknown flags", () => {
    expect(() => parseApiArgs(["--bogus"])).toThrow();
  });
});
