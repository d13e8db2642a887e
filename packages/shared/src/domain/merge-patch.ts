/**
 * JSON Merge Patch (RFC 7396), as PATCH /config applies it: objects merge recursively, `null`
 * deletes a key, anything else (arrays included) replaces. Pure: neither argument is modified.
 */

/** A JSON object: not null, not an array. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The RFC's MergePatch(Target, Patch). A patch that is not an object replaces the target. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return patch;
  const result: Record<string, unknown> = isJsonObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- keys come from the patch
      delete result[key];
      continue;
    }
    const current = Object.hasOwn(result, key) ? result[key] : undefined;
    // defineProperty, not assignment: a "__proto__" key must stay data, never set the prototype.
    Object.defineProperty(result, key, {
      value: applyMergePatch(current, value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return result;
}
