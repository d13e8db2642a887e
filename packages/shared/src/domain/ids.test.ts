import { describe, expect, it } from "vitest";
import {
  isUuid,
  newId,
  newRealmId,
  realmIdProblem,
  resolveSessionLocator,
  sessionRef,
} from "./ids.js";

const ID = "01936f8a-7b2c-7000-8000-000000000001";

describe("session locators", () => {
  it("accepts a bare uuid and a locator of the active realm", () => {
    expect(resolveSessionLocator(ID, "team")).toEqual({ ok: true, sessionId: ID });
    expect(resolveSessionLocator(`team:${ID}`, "team")).toEqual({ ok: true, sessionId: ID });
    expect(resolveSessionLocator(ID.toUpperCase(), "team")).toEqual({ ok: true, sessionId: ID });
  });

  it("refuses another realm's locator with the reference's message", () => {
    expect(resolveSessionLocator(`other:${ID}`, "team")).toEqual({
      ok: false,
      message: "Session locator realm 'other' does not match active realm 'team'",
    });
  });

  it("refuses malformed ids", () => {
    expect(resolveSessionLocator("nope", "team").ok).toBe(false);
    expect(resolveSessionLocator("team:nope", "team")).toMatchObject({
      ok: false,
      message: expect.stringContaining("Invalid session locator 'team:nope'") as unknown,
    });
    expect(resolveSessionLocator(`bad realm:${ID}`, "team").ok).toBe(false);
  });

  it("builds session refs", () => {
    expect(sessionRef("team", ID)).toBe(`team:${ID}`);
  });
});

describe("ids", () => {
  it("generates time-ordered uuids", () => {
    const a = newId();
    const b = newId();
    expect(isUuid(a)).toBe(true);
    expect(a < b).toBe(true);
  });

  it("validates realm ids as the contract says", () => {
    expect(realmIdProblem("team-alpha_1")).toBeUndefined();
    expect(realmIdProblem(newRealmId())).toBeUndefined();
    expect(realmIdProblem("-leading")).toBeDefined();
    expect(realmIdProblem("has:colon")).toBeDefined();
    expect(realmIdProblem("a".repeat(65))).toBeDefined();
    expect(realmIdProblem(ID)).toBe("realm id must not look like a UUID");
  });
});
