// Resident memory of the service processes, from /proc/<pid>/status (Linux only).
import { readFileSync } from "node:fs";

/** { rssKb, hwmKb } of a process, or undefined when it is gone or /proc is not available. */
export function readMemory(pid) {
  let status;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const field = (name) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
    return match ? Number(match[1]) : undefined;
  };
  return { rssKb: field("VmRSS"), hwmKb: field("VmHWM") };
}

const mb = (kb) => (kb === undefined ? null : Math.round((kb / 1024) * 10) / 10);

/**
 * Samples VmRSS of named processes every `intervalMs` and keeps the peak of each; `finish()`
 * also reads VmHWM (the kernel's own peak since the process started) and returns both, in MB.
 */
export class RssSampler {
  constructor(intervalMs = 200) {
    this.intervalMs = intervalMs;
    this.targets = new Map();
    this.timer = undefined;
  }

  /** @param {Record<string, { pid: number }>} processes name → process */
  start(processes) {
    this.targets = new Map(
      Object.entries(processes).map(([name, proc]) => [
        name,
        { pid: proc.pid, peakKb: 0, samples: 0, lastHwmKb: undefined, series: [] },
      ]),
    );
    this.startedAt = performance.now();
    this.#sample();
    this.timer = setInterval(() => this.#sample(), this.intervalMs);
    this.timer.unref();
  }

  #sample() {
    for (const target of this.targets.values()) {
      const memory = readMemory(target.pid);
      if (!memory) continue;
      // One point per second (every sample's max) for the series, to see growth over a phase.
      const second = Math.floor((performance.now() - this.startedAt) / 1000);
      const last = target.series.at(-1);
      if (memory.rssKb !== undefined) {
        if (last && last[0] === second) last[1] = Math.max(last[1], memory.rssKb);
        else target.series.push([second, memory.rssKb]);
      }
      target.samples += 1;
      if (memory.rssKb !== undefined) target.peakKb = Math.max(target.peakKb, memory.rssKb);
      if (memory.hwmKb !== undefined) target.lastHwmKb = memory.hwmKb;
    }
  }

  /** Stops sampling; returns name → { peak_rss_mb, hwm_mb, samples, series_mb: [[s, MB]…] }. */
  finish() {
    this.#sample();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const out = {};
    for (const [name, target] of this.targets) {
      out[name] = {
        pid: target.pid,
        peak_rss_mb: mb(target.peakKb),
        hwm_mb: mb(target.lastHwmKb),
        samples: target.samples,
        series_mb: target.series.map(([second, kb]) => [second, mb(kb)]),
      };
    }
    return out;
  }
}
