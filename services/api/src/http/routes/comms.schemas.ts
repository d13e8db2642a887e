import { z } from "zod";

const handlingMode = z.enum(["queue", "steer"], {
  error: 'handling_mode must be "queue" or "steer"',
});

const common = {
  session_id: z.string().min(1),
  source: z.string().nullish(),
};

export const commsSendSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("input"),
    ...common,
    body: z.string().min(1),
    blocks: z.array(z.unknown()).nullish(),
    handling_mode: handlingMode.nullish(),
    stream: z.enum(["none", "reserve_interaction"]).nullish(),
    allow_self_session: z.boolean().nullish(),
  }),
  z.object({
    kind: z.literal("peer_message"),
    ...common,
    to: z.string().min(1),
    body: z.string().min(1),
    blocks: z.array(z.unknown()).nullish(),
    handling_mode: handlingMode.nullish(),
    allow_self_session: z.boolean().nullish(),
  }),
  z.object({
    kind: z.literal("peer_lifecycle"),
    ...common,
    to: z.string().min(1),
    lifecycle_kind: z.enum(["mob.peer_added", "mob.peer_retired", "mob.peer_unwired"]),
    params: z.record(z.string(), z.unknown()).nullish(),
    allow_self_session: z.boolean().nullish(),
  }),
  z.object({
    kind: z.literal("peer_request"),
    ...common,
    to: z.string().min(1),
    intent: z.string().min(1),
    params: z.record(z.string(), z.unknown()).nullish(),
    blocks: z.array(z.unknown()).nullish(),
    handling_mode: handlingMode.nullish(),
    stream: z.enum(["none", "reserve_interaction"]).nullish(),
    allow_self_session: z.boolean().nullish(),
  }),
  z.object({
    kind: z.literal("peer_response"),
    ...common,
    to: z.string().min(1),
    in_reply_to: z.string().min(1),
    status: z.enum(["accepted", "completed", "failed"]),
    result: z.record(z.string(), z.unknown()).nullish(),
    blocks: z.array(z.unknown()).nullish(),
    handling_mode: handlingMode.nullish(),
    allow_self_session: z.boolean().nullish(),
  }),
]);
export type CommsSendBody = z.output<typeof commsSendSchema>;

export const commsSendResultSchema = z.object({ kind: z.string() }).catchall(z.unknown());

export const commsPeersQuerySchema = z.object({ session_id: z.string().min(1) });

export const commsPeersSchema = z.object({
  peers: z.array(
    z.object({
      peer_id: z.string(),
      name: z.string(),
      address: z.object({ transport: z.string(), endpoint: z.string() }),
      source: z.string(),
      sendable_kinds: z.array(z.string()),
      capabilities: z.object({ version: z.number(), extensions: z.array(z.string()) }),
      meta: z.object({
        description: z.string().optional(),
        labels: z.record(z.string(), z.string()).optional(),
      }),
      reachability: z.string(),
    }),
  ),
});
