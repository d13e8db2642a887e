import { bigint, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * One row per realm. Realm config lives here (per-realm, generation compare-and-set), so every
 * API replica and worker reads the same config.
 */
export const realms = pgTable("realms", {
  id: text("id").primaryKey(),
  backend: text("backend").notNull().default("postgres"),
  config: jsonb("config").$type<Record<string, unknown>>().notNull().default({}),
  /** Bumped by every successful config write; PUT/PATCH with a stale expected value are refused. */
  configGeneration: bigint("config_generation", { mode: "number" }).notNull().default(0),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
