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

  it("keeps ids unique, v7 and increasing across many in one millisecond and pool refills", () => {
    const ids = Array.from({ length: 5_000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    // The timestamp field is the wall clock (ms), not a counter running ahead of it.
    const ms = Number.parseInt(ids.at(-1)!.replaceAll("-", "").slice(0, 12), 16);
    expect(Math.abs(ms - Date.now())).toBeLessThan(1_000);
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
