// Summarises a V8 .cpuprofile (from `node --cpu-prof`): where the process spent its CPU time,
// by package (self time, and "inclusive": samples whose stack passes through the package) and
// by function (self time). Usable alone: node bench/lib/cpuprofile.mjs <file.cpuprofile> [n]
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));

/** A short owner of a code location: an npm package, a workspace package, or node core. */
export function ownerOf(callFrame) {
  const url = callFrame.url ?? "";
  const name = callFrame.functionName ?? "";
  if (url === "") return name.startsWith("(") ? name : "(native)";
  if (url.startsWith("node:")) return "node core";
  const path = url.startsWith("file://") ? fileURLToPath(url) : url;
  const modules = path.lastIndexOf("/node_modules/");
  if (modules >= 0) {
    const parts = path.slice(modules + "/node_modules/".length).split("/");
    return parts[0]?.startsWith("@") ? `${parts[0]}/${parts[1]}` : (parts[0] ?? "?");
  }
  if (path.startsWith(ROOT)) {
    const parts = path.slice(ROOT.length + 1).split("/");
    return parts.slice(0, 2).join("/");
  }
  return path;
}

function label(callFrame) {
  const name = callFrame.functionName || "(anonymous)";
  const url = callFrame.url ?? "";
  if (url === "") return name;
  const path = url.startsWith("file://") ? fileURLToPath(url) : url;
  const short = path.startsWith(ROOT) ? path.slice(ROOT.length + 1) : path;
  return `${name} ${short.replace(/^node_modules\//, "")}:${callFrame.lineNumber + 1}`;
}

/**
 * { total_ms, busy_ms, by_owner_self, by_owner_inclusive, top_functions } of a profile; "busy"
 * excludes (idle). Percentages are of busy time.
 */
export function summarizeProfile(profile, top = 20) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const selfUs = new Map();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i += 1) {
    const id = samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, deltas[i] ?? 0));
  }
  const ownersOnStack = new Map();
  const stackOwners = (id) => {
    let owners = ownersOnStack.get(id);
    if (owners) return owners;
    const node = nodes.get(id);
    const up = parent.get(id);
    owners = new Set(up === undefined ? [] : stackOwners(up));
    if (node) owners.add(ownerOf(node.callFrame));
    ownersOnStack.set(id, owners);
    return owners;
  };

  let totalUs = 0;
  let idleUs = 0;
  const ownerSelf = new Map();
  const ownerInclusive = new Map();
  const functions = new Map();
  for (const [id, us] of selfUs) {
    const node = nodes.get(id);
    if (!node) continue;
    totalUs += us;
    const owner = ownerOf(node.callFrame);
    if (owner === "(idle)") {
      idleUs += us;
      continue;
    }
    ownerSelf.set(owner, (ownerSelf.get(owner) ?? 0) + us);
    for (const stackOwner of stackOwners(id)) {
      if (stackOwner === "(root)") continue;
      ownerInclusive.set(stackOwner, (ownerInclusive.get(stackOwner) ?? 0) + us);
    }
    const key = label(node.callFrame);
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  const rows = (map, limit) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, us]) => ({
        name,
        ms: Math.round(us / 1000),
        pct: busyUs > 0 ? Math.round((us / busyUs) * 1000) / 10 : 0,
      }));
  return {
    total_ms: Math.round(totalUs / 1000),
    busy_ms: Math.round(busyUs / 1000),
    by_owner_self: rows(ownerSelf, top),
    by_owner_inclusive: rows(ownerInclusive, top),
    top_functions: rows(functions, top),
  };
}

export function summarizeProfileFile(file, top = 20) {
  return summarizeProfile(JSON.parse(readFileSync(file, "utf8")), top);
}

const isMain =
  process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    process.stderr.write("usage: node bench/lib/cpuprofile.mjs <file.cpuprofile> [top]\n");
    process.exit(2);
  }
  const summary = summarizeProfileFile(file, Number(top ?? 25));
  const print = (title, rows) => {
    process.stdout.write(`\n${title}\n`);
    for (const row of rows) {
      process.stdout.write(
        `  ${String(row.pct).padStart(5)}%  ${String(row.ms).padStart(7)} ms  ${row.name}\n`,
      );
    }
  };
  process.stdout.write(`total ${summary.total_ms} ms, busy ${summary.busy_ms} ms\n`);
  print("self time by owner", summary.by_owner_self);
  print("inclusive time by owner (stack passes through it)", summary.by_owner_inclusive);
  print("self time by function", summary.top_functions);
}
