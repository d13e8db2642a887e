// Plain-text tables for the bench's stdout.

/** Renders rows (arrays of cells) under a header, columns padded; numbers right-aligned. */
export function table(header, rows) {
  const cells = [header, ...rows].map((row) => row.map((cell) => format(cell)));
  const widths = header.map((_, column) =>
    Math.max(...cells.map((row) => (row[column] ?? "").length)),
  );
  const numeric = header.map((_, column) =>
    rows.every((row) => typeof row[column] === "number" || row[column] === null),
  );
  const line = (row) =>
    row
      .map((cell, column) =>
        numeric[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column]),
      )
      .join("  ")
      .trimEnd();
  const [head, ...body] = cells;
  return [line(head), widths.map((width) => "-".repeat(width)).join("  "), ...body.map(line)].join(
    "\n",
  );
}

function format(cell) {
  if (cell === null || cell === undefined) return "-";
  if (typeof cell === "number") {
    if (Number.isInteger(cell)) return String(cell);
    return cell >= 100 ? cell.toFixed(0) : cell >= 10 ? cell.toFixed(1) : cell.toFixed(2);
  }
  return String(cell);
}

export function passLabel(pass) {
  if (pass === null || pass === undefined) return "n/a";
  return pass ? "PASS" : "MISS";
}
