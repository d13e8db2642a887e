import { describe, expect, it } from "vitest";
import { shellArgs } from "./process.js";

describe("shellArgs", () => {
  it("uses -c for POSIX shells and -Command for PowerShell", () => {
    expect(shellArgs("bash", "ls")).toEqual(["-c", "ls"]);
    expect(shellArgs("/bin/sh", "ls")).toEqual(["-c", "ls"]);
    expect(shellArgs("pwsh", "ls")).toEqual(["-NoProfile", "-Command", "ls"]);
  });
});
