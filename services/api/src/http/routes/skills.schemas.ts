/** Response schemas of GET /skills (the contract's SkillListResponse). */
import { z } from "zod";

export const skillKeySchema = z.object({
  source_uuid: z.string(),
  skill_name: z.string(),
});

const skillSourceSchema = z.object({
  source_uuid: z.string(),
  display_name: z.string(),
  transport_kind: z.enum(["embedded", "filesystem", "git", "http", "stdio"]),
  fingerprint: z.string(),
  status: z.enum(["active", "disabled", "retired"]),
});

export const skillEntrySchema = z.object({
  key: skillKeySchema,
  name: z.string(),
  description: z.string(),
  scope: z.enum(["builtin", "project", "user"]),
  source: skillSourceSchema,
  is_active: z.boolean(),
  shadowed_by: skillSourceSchema.nullish(),
});

export const skillListSchema = z.object({ skills: z.array(skillEntrySchema) });
