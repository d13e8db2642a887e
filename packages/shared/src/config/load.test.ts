import { describe, expect, it } from "vitest";
import { z } from "zod";
import { boolEnv, csvEnv, intEnv, optionalBoolEnv, secretEnv, urlEnv } from "./env-types.js";
import { logEnv } from "./fragments.js";
import { ConfigError, loadConfig } from "./load.js";
import { Secret } from "./secret.js";

const schema = z.object({
  FLAG: boolEnv(false),
  COUNT: intEnv(5, { min: 1, max: 10 }),
  URL: urlEnv(["redis"], "redis://localhost:6379/0"),
  KEY: secretEnv(),
  LIST: csvEnv(["a"]),
});

describe("loadConfig", () => {
  it("applies defaults and treats blank values as unset", () => {
    const config = loadConfig(schema, { FLAG: "", COUNT: " ", LIST: "" });
    expect(config).toMatchObject({
      FLAG: false,
      COUNT: 5,
      URL: "redis://localhost:6379/0",
      LIST: ["a"],
    });
    expect(config.KEY).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("parses booleans strictly (never z.coerce)", () => {
    expect(loadConfig(schema, { FLAG: "true" }).FLAG).toBe(true);
    expect(loadConfig(schema, { FLAG: "1" }).FLAG).toBe(true);
    expect(loadConfig(schema, { FLAG: "FALSE" }).FLAG).toBe(false);
    expect(() => loadConfig(schema, { FLAG: "yes" })).toThrow(ConfigError);
  });

  it("reads LOG_PRETTY as the other booleans, blank meaning unset", () => {
    const logSchema = z.object(logEnv);
    expect(loadConfig(logSchema, { LOG_PRETTY: "TRUE" }).LOG_PRETTY).toBe(true);
    expect(loadConfig(logSchema, { LOG_PRETTY: "0" }).LOG_PRETTY).toBe(false);
    expect(loadConfig(logSchema, { LOG_PRETTY: " " }).LOG_PRETTY).toBeUndefined();
    expect(() => loadConfig(z.object({ X: optionalBoolEnv() }), { X: "on" })).toThrow(ConfigError);
  });

  it("reports every problem at once", () => {
    try {
      loadConfig(schema, { FLAG: "maybe", COUNT: "11", URL: "http://x" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const issues = (error as ConfigError).issues;
      expect(issues).toHaveLength(3);
      expect(issues.join("\n")).toMatch(/FLAG.*true\/false/);
      expect(issues.join("\n")).toMatch(/COUNT.*≤ 10/);
      expect(issues.join("\n")).toMatch(/URL.*redis/);
    }
  });

  it("wraps secrets so they never print", () => {
    const config = loadConfig(schema, { KEY: "sk-very-secret", LIST: "x, y,,z" });
    expect(config.KEY).toBeInstanceOf(Secret);
    expect(config.KEY?.reveal()).toBe("sk-very-secret");
    expect(JSON.stringify(config)).not.toContain("sk-very-secret");
    expect(String(config.KEY)).toBe("[redacted]");
    expect(config.LIST).toEqual(["x", "y", "z"]);
  });
});
