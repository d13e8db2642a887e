/** How the agent creates, inspects and stops schedules. */
export const SCHEDULE_WORKFLOW = `# Schedule workflow

Schedules run work later or repeatedly without anyone calling the API: at each due time the
scheduler delivers a prompt (or an event) to a session. You manage them with the
\`meerkat_schedule_*\` tools.

## Tools

| tool                           | arguments                              | result                 |
| ------------------------------ | -------------------------------------- | ---------------------- |
| \`meerkat_schedule_list\`        | \`{}\`                                   | \`{schedules: [...]}\`   |
| \`meerkat_schedule_get\`         | \`{schedule_id}\`                        | the schedule           |
| \`meerkat_schedule_create\`      | a schedule definition (below)          | the new schedule       |
| \`meerkat_schedule_update\`      | \`{schedule_id, expected_revision?, …}\` | the updated schedule   |
| \`meerkat_schedule_pause\`       | \`{schedule_id}\`                        | the schedule (paused)  |
| \`meerkat_schedule_resume\`      | \`{schedule_id}\`                        | the schedule (active)  |
| \`meerkat_schedule_delete\`      | \`{schedule_id}\`                        | the schedule (deleted) |
| \`meerkat_schedule_occurrences\` | \`{schedule_id}\`                        | \`{occurrences: [...]}\` |

## Before you create one

Call \`meerkat_schedule_list\` first and read the \`name\`, \`trigger\` and \`target\` of what exists.
If an equivalent schedule is already there, update or resume it instead of creating a duplicate
(two identical schedules fire twice). Give every schedule a short \`name\` that says what it does.

## Pick the smallest trigger that fits

- One time: \`{"type": "once", "due_at_utc": "2026-05-01T09:00:00Z"}\`.
- A fixed period: \`{"type": "interval", "start_at_utc": "…", "every_seconds": 3600}\` (optional
  \`end_at_utc\`).
- Wall-clock times in a time zone: \`{"type": "cron", "expression": "0 9 * * 1-5", "timezone":
  "Europe/Paris"}\`. Five fields: minute, hour, day of month, month, day of week (\`*\`, lists,
  ranges, \`/step\`, names such as \`MON\` or \`JAN\`). It is stored as the equivalent \`calendar\`
  trigger; note that day of month and day of week must both match.
- \`calendar\` triggers can also be written directly: \`{"type": "calendar", "timezone": "UTC",
  "hour": {"kind": "values", "values": [9]}, "minute": {"kind": "values", "values": [0]}}\`.

Always give an IANA time zone for wall-clock schedules; times in the data are RFC 3339 UTC. Units
are in the field names: \`every_seconds\` and \`window_seconds\` are seconds; any other duration you
pass to this service is in milliseconds.

## Choose the target

- To wake this very session later, use the shortcut \`{"target_kind": "session", "type":
  "current_session", "action": …}\`; it is stored as a \`resumable_session\` target with this
  session's id.
- \`{"target_kind": "session", "type": "resumable_session", "session_id": "…", "action": …}\`
  wakes an existing session (it keeps its history).
- \`{"target_kind": "session", "type": "materialize_on_demand_session", "create": {"model":
  "…", "system_prompt": "…"}, "action": …}\` when no session exists yet: the first delivery
  creates one and later deliveries reuse it.
- The action is usually \`{"type": "prompt", "prompt": "…"}\`. Write the prompt so it makes sense
  on its own when it fires, days from now.

## Policies

The create tool requires all three. Unless the user asks otherwise use:

- \`"misfire_policy": {"type": "skip"}\`: a delivery missed by more than a short grace (the
  scheduler was down) is skipped rather than fired late. Use \`{"type": "catch_up_within",
  "window_seconds": N}\` only when late is better than never.
- \`"overlap_policy": "skip_if_running"\`: do not start while the target session is busy.
- \`"missing_target_policy": "mark_misfired"\`: if the target session is gone, record the
  occurrence as misfired so it is visible.

A complete example:

\`\`\`json
{
  "name": "weekday-digest",
  "trigger": { "type": "cron", "expression": "0 9 * * 1-5", "timezone": "Europe/Paris" },
  "target": {
    "target_kind": "session",
    "type": "current_session",
    "action": { "type": "prompt", "prompt": "Write today's digest of open tasks." }
  },
  "misfire_policy": { "type": "skip" },
  "overlap_policy": "skip_if_running",
  "missing_target_policy": "mark_misfired"
}
\`\`\`

## Changing and stopping

- \`meerkat_schedule_update\` changes fields in place. Pass \`expected_revision\` (from the last
  read) so you do not overwrite someone else's change; pending occurrences of the old revision are
  replaced.
- Pause when the work should stop for now and may come back (\`meerkat_schedule_resume\` brings it
  back); delete when it is finished for good. Deleted schedules keep their history.
- To explain what happened, read \`meerkat_schedule_occurrences\`: each occurrence has a \`phase\`
  (\`completed\`, \`skipped\`, \`misfired\`, \`delivery_failed\`, …) and receipts saying why.
- Tell the user what you scheduled: name, when it fires next and where it delivers.
`;
