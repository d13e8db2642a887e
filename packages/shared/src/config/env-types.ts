/**
 * Strict parsers for environment variables. Each returns a zod schema that accepts the raw
 * string (or undefined) and yields a typed value, so one `safeParse` reports every problem.
 */
import { z } from "zod";
import { Secret } from "./secret.js";

const blankToUndefined = (value: unknown): unknown =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

/**
 * "true"/"false"/"1"/"0" (case-insensitive); anything else is an error. Never z.coerce. Blank or
 * absent is undefined (the caller decides).
 */
export function optionalBoolEnv() {
  return z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform((raw, ctx) => {
        if (raw === undefined) return undefined;
        const value = raw.trim().toLowerCase();
        if (value === "true" || value === "1") return true;
        if (value === "false" || value === "0") return false;
        ctx.addIssue({ code: "custom", message: `expected true/false/1/0, got "${raw}"` });
        return z.NEVER;
      }),
  );
}

/** A boolean (true/false/1/0, any case); blank or absent is the default. */
export function boolEnv(defaultValue: boolean) {
  return optionalBoolEnv().transform((value) => value ?? defaultValue);
}

export function intEnv(defaultValue: number, bounds: { min?: number; max?: number } = {}) {
  return z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform((raw, ctx) => {
        if (raw === undefined) return defaultValue;
        const trimmed = raw.trim();
        if (!/^-?\d+$/.test(trimmed)) {
          ctx.addIssue({ code: "custom", message: `expected an integer, got "${raw}"` });
          return z.NEVER;
        }
        const value = Number(trimmed);
        if (bounds.min !== undefined && value < bounds.min) {
          ctx.addIssue({ code: "custom", message: `must be ≥ ${bounds.min}, got ${value}` });
          return z.NEVER;
        }
        if (bounds.max !== undefined && value > bounds.max) {
          ctx.addIssue({ code: "custom", message: `must be ≤ ${bounds.max}, got ${value}` });
          return z.NEVER;
        }
        return value;
      }),
  );
}

export function stringEnv(defaultValue: string) {
  return z.preprocess(blankToUndefined, z.string().default(defaultValue));
}

export function optionalStringEnv() {
  return z.preprocess(blankToUndefined, z.string().optional());
}

export function enumEnv<const T extends readonly [string, ...string[]]>(
  values: T,
  defaultValue: T[number],
) {
  return z.preprocess(blankToUndefined, z.enum(values).default(defaultValue as never));
}

/** A URL with one of the given schemes; optional unless a default is given. */
export function urlEnv(schemes: readonly string[]): z.ZodType<string | undefined>;
export function urlEnv(schemes: readonly string[], defaultValue: string): z.ZodType<string>;
export function urlEnv(
  schemes: readonly string[],
  defaultValue?: string,
): z.ZodType<string | undefined> {
  const base = z.string().refine(
    (raw) => {
      try {
        return schemes.includes(new URL(raw).protocol.replace(/:$/, ""));
      } catch {
        return false;
      }
    },
    { message: `expected a URL with scheme ${schemes.join(" or ")}` },
  );
  return z.preprocess(
    blankToUndefined,
    defaultValue === undefined ? base.optional() : base.default(defaultValue),
  );
}

export function secretEnv() {
  return z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform((raw) => (raw === undefined ? undefined : new Secret(raw))),
  );
}

/** Comma-separated list; blank entries dropped. */
export function csvEnv(defaultValue: readonly string[] = []) {
  return z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform((raw) =>
        raw === undefined
          ? [...defaultValue]
          : raw
              .split(",")
              .map((part) => part.trim())
              .filter((part) => part !== ""),
      ),
  );
}
