import { describe, expect, it } from "vitest";
import { TailBuffer } from "./output.js";

describe("TailBuffer", () => {
  it("returns everything under the cap, untouched", () => {
    const buffer = new TailBuffer(10);
    buffer.push(Buffer.from("hello "));
    buffer.push(Buffer.from("you"));
    expect(buffer.text()).toBe("hello you");
    expect(buffer.totalBytes).toBe(9);
  });

  it("keeps the last bytes and says how many were dropped", () => {
    const buffer = new TailBuffer(5);
    for (const part of ["abc", "defg", "hij", "klmno"]) buffer.push(Buffer.from(part));
    const text = buffer.text();
    expect(text.endsWith("\nklmno")).toBe(true);
    expect(text).toContain("first 10 bytes were dropped");
  });

  it("keeps the tail of one oversized chunk", () => {
    const buffer = new TailBuffer(4);
    buffer.push(Buffer.from("0123456789"));
    expect(buffer.text()).toMatch(/first 6 bytes were dropped.*\n6789$/s);
  });

  it("never starts inside a multi-byte character", () => {
    const buffer = new TailBuffer(4);
    buffer.push(Buffer.from("xé€")); // x (1) + é (2) + € (3) = 6 bytes; the tail cuts é
    const text = buffer.text();
    expect(text.endsWith("\n€")).toBe(true);
    expect(text).not.toContain("\uFFFD");
    expect(text).toContain("first 3 bytes were dropped");
  });

  it("a zero cap keeps nothing", () => {
    const buffer = new TailBuffer(0);
    buffer.push(Buffer.from("abc"));
    expect(buffer.text()).toContain("first 3 bytes");
  });
});
