// The schedule benchmark's workload and its ledger audit: N interval schedules, each firing into
// its own materialised session every P seconds, for a measured window. Fire lag is read from the
// occurrence ledger (dispatched_at − due_at: the moment the delivery was admitted to the session's
// inbox), and every due time in the window is accounted for: missed (not completed) and duplicated
// (two occurrences for one due time, two inbox inputs for one occurrence, or more transcript
// prompts in a session than deliveries that completed) must both be 0.
import { sleep } from "./processes.mjs";
import { summarize } from "./stats.mjs";

const PROMPT = "Scheduled benchmark prompt: say something short.";
const TERMINAL = ["completed", "skipped", "misfired", "superseded", "delivery_failed"];

async function api(base, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (response.status !== 200) {
    throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  }
  return JSON.parse(text);
}

async function forEachLimited(items, limit, run) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next;
        next += 1;
        await run(items[index], index);
      }
    }),
  );
}

function ms(interval) {
  return interval === null || interval === undefined ? null : Number(interval);
}

/**
 * Creates the schedules, lets them fire through the window, pauses them, waits for quiescence
 * and audits the ledger. `layout` is "spread" (anchors evenly spaced across one period, as
 * schedules created over time are) or "aligned" (every schedule due at the same instants).
 */
export async function runScheduleWorkload({
  id,
  base,
  monitor,
  log,
  assertAlive,
  count,
  everySeconds,
  windowSeconds,
  leadSeconds,
  layout,
  onWindowOpen = () => undefined,
  onWindowClose = () => undefined,
}) {
  const runLabel = `${id}-${Date.now()}`;
  const { rows: clock } = await monitor.query("select now() as now");
  const dbNow = clock[0].now.getTime();
  // The window starts on a whole second, far enough out that every schedule exists before its
  // first due time (creation is not measured as lag).
  const windowStart = Math.ceil((dbNow + leadSeconds * 1000) / 1000) * 1000;
  const windowEnd = windowStart + windowSeconds * 1000;
  const stepMs = layout === "spread" ? (everySeconds * 1000) / count : 0;
  const anchors = Array.from({ length: count }, (_, i) => windowStart + Math.floor(i * stepMs));
  const perSchedule = anchors.map(
    (anchor) => Math.floor((windowEnd - 1 - anchor) / (everySeconds * 1000)) + 1,
  );
  const expected = perSchedule.reduce((sum, n) => sum + n, 0);

  log(
    `   creating ${count} interval schedules (every ${everySeconds} s, ${layout} anchors); ` +
      `window ${windowSeconds} s from ${new Date(windowStart).toISOString()}`,
  );
  const createdAt = performance.now();
  const scheduleIds = new Array(count);
  await forEachLimited(anchors, 16, async (anchor, i) => {
    const schedule = await api(base, "POST", "/schedules", {
      name: `bench ${i}`,
      labels: { bench: runLabel },
      trigger: {
        type: "interval",
        start_at_utc: new Date(anchor).toISOString(),
        every_seconds: everySeconds,
      },
      target: {
        target_kind: "session",
        type: "materialize_on_demand_session",
        create: { model: "bench-model", provider: "self_hosted", labels: { bench: runLabel } },
        action: { type: "prompt", prompt: PROMPT },
      },
    });
    scheduleIds[i] = schedule.schedule_id;
  });
  const createSeconds = (performance.now() - createdAt) / 1000;
  const { rows: afterCreate } = await monitor.query("select now() as now");
  const createdBeforeWindow = afterCreate[0].now.getTime() < windowStart;
  log(
    `   created in ${createSeconds.toFixed(1)} s (${(count / createSeconds).toFixed(0)} /s)` +
      (createdBeforeWindow ? "" : "; WARNING: creation ran into the window"),
  );

  const measureFrom = windowStart - Date.now();
  if (measureFrom > 0) await sleep(measureFrom);
  onWindowOpen();
  log(`   window open; firing for ${windowSeconds} s`);
  while (Date.now() < windowEnd) {
    assertAlive();
    await sleep(Math.min(1_000, Math.max(0, windowEnd - Date.now())));
  }
  onWindowClose();

  // Every occurrence due in the window must reach a terminal phase; later ones keep firing (the
  // system stays under load) until the schedules are paused.
  const inWindowOpen = async () => {
    const { rows } = await monitor.query(
      `select count(*)::int as n
         from schedule_occurrences o join schedules s on s.id = o.schedule_id
        where s.labels @> $1 and o.due_at >= $2 and o.due_at < $3
          and o.phase <> all($4)`,
      [{ bench: runLabel }, new Date(windowStart), new Date(windowEnd), TERMINAL],
    );
    return rows[0].n;
  };
  const settleStarted = performance.now();
  for (;;) {
    const open = await inWindowOpen();
    if (open === 0) break;
    assertAlive();
    if (performance.now() - settleStarted > 120_000) {
      throw new Error(`${open} occurrence(s) due in the window still not terminal after 120 s`);
    }
    await sleep(250);
  }
  const settleSeconds = (performance.now() - settleStarted) / 1000;

  log("   pausing the schedules and waiting until nothing is in flight");
  await forEachLimited(scheduleIds, 16, async (scheduleId) => {
    await api(base, "POST", `/schedules/${scheduleId}/pause`);
  });
  const quietStarted = performance.now();
  for (;;) {
    const { rows } = await monitor.query(
      `select
         (select count(*)::int from schedule_occurrences o join schedules s on s.id = o.schedule_id
           where s.labels @> $1 and o.phase in ('claimed', 'dispatching', 'awaiting_completion'))
         + (select count(*)::int from turns where status in ('queued', 'running'))
         + (select count(*)::int from session_inputs where status = 'pending') as n`,
      [{ bench: runLabel }],
    );
    if (rows[0].n === 0) break;
    assertAlive();
    if (performance.now() - quietStarted > 120_000) {
      throw new Error(`${rows[0].n} delivery(ies) still in flight 120 s after pausing`);
    }
    await sleep(250);
  }

  return {
    ...(await audit(monitor, { runLabel, windowStart, windowEnd, expected, count })),
    layout,
    schedules: count,
    every_seconds: everySeconds,
    window_s: windowSeconds,
    window_start: new Date(windowStart).toISOString(),
    create_s: Math.round(createSeconds * 100) / 100,
    created_before_window: createdBeforeWindow,
    settle_after_window_s: Math.round(settleSeconds * 100) / 100,
  };
}

async function audit(monitor, { runLabel, windowStart, windowEnd, expected, count }) {
  const label = { bench: runLabel };
  const { rows } = await monitor.query(
    `select o.id, o.schedule_id, o.due_at, o.phase, o.attempt_count, o.failure_class,
            extract(epoch from (o.dispatched_at - o.due_at)) * 1000 as dispatch_lag_ms,
            extract(epoch from (o.completed_at - o.due_at)) * 1000 as complete_lag_ms,
            (select count(*)::int from session_inputs i where i.occurrence_id = o.id) as inputs,
            (select extract(epoch from (min(t.started_at) - o.due_at)) * 1000
               from session_inputs i join turns t on t.id = i.turn_id
              where i.occurrence_id = o.id) as turn_start_lag_ms
       from schedule_occurrences o join schedules s on s.id = o.schedule_id
      where s.labels @> $1 and o.due_at >= $2 and o.due_at < $3`,
    [label, new Date(windowStart), new Date(windowEnd)],
  );
  const phases = {};
  const failures = {};
  const dueKeys = new Set();
  let duplicateOccurrences = 0;
  let duplicateInputs = 0;
  let retried = 0;
  const dispatchLag = [];
  const turnStartLag = [];
  const completeLag = [];
  for (const row of rows) {
    phases[row.phase] = (phases[row.phase] ?? 0) + 1;
    if (row.failure_class) failures[row.failure_class] = (failures[row.failure_class] ?? 0) + 1;
    const key = `${row.schedule_id}/${row.due_at.toISOString()}`;
    if (dueKeys.has(key)) duplicateOccurrences += 1;
    dueKeys.add(key);
    if (row.inputs > 1) duplicateInputs += row.inputs - 1;
    if (row.attempt_count > 1) retried += 1;
    if (row.phase === "completed") {
      dispatchLag.push(ms(row.dispatch_lag_ms));
      if (row.turn_start_lag_ms !== null) turnStartLag.push(ms(row.turn_start_lag_ms));
      completeLag.push(ms(row.complete_lag_ms));
    }
  }
  const completedDistinct = new Set(
    rows
      .filter((row) => row.phase === "completed")
      .map((row) => `${row.schedule_id}/${row.due_at.toISOString()}`),
  ).size;
  const missed = expected - completedDistinct;

  // End to end: a session's transcript holds exactly one prompt per completed delivery (all of
  // the schedule's deliveries, in and after the window: the schedules are paused and quiet now).
  const { rows: transcripts } = await monitor.query(
    `with deliveries as (
       select o.session_id, count(*) filter (where o.phase = 'completed')::int as completed
         from schedule_occurrences o join schedules s on s.id = o.schedule_id
        where s.labels @> $1 and o.session_id is not null
        group by o.session_id)
     select d.session_id, d.completed,
            (select count(*)::int from messages m
              where m.session_id = d.session_id and m.role = 'user') as prompts
       from deliveries d`,
    [label],
  );
  let extraPrompts = 0;
  let lostPrompts = 0;
  for (const row of transcripts) {
    if (row.prompts > row.completed) extraPrompts += row.prompts - row.completed;
    if (row.prompts < row.completed) lostPrompts += row.completed - row.prompts;
  }
  const { rows: sessions } = await monitor.query(
    "select count(*)::int as n from sessions where labels @> $1",
    [label],
  );

  const duplicated = duplicateOccurrences + duplicateInputs + extraPrompts;
  return {
    expected_occurrences: expected,
    occurrences_in_window: rows.length,
    completed: completedDistinct,
    missed,
    duplicated,
    duplicates: {
      occurrences_for_one_due_time: duplicateOccurrences,
      inputs_for_one_occurrence: duplicateInputs,
      transcript_prompts_beyond_deliveries: extraPrompts,
    },
    transcript_prompts_missing: lostPrompts,
    sessions_materialized: sessions[0].n,
    sessions_expected: count,
    phases,
    failure_classes: failures,
    occurrences_retried: retried,
    fire_lag_ms: summarize(dispatchLag),
    turn_start_lag_ms: summarize(turnStartLag),
    turn_done_lag_ms: summarize(completeLag),
  };
}
