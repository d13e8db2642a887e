import { randomFillSync } from "node:crypto";
import { v7 as uuidv7, validate as uuidValidate } from "uuid";

export type SessionId = string & { readonly __brand: "SessionId" };
export type TurnId = string & { readonly __brand: "TurnId" };
export type RealmId = string & { readonly __brand: "RealmId" };

/**
 * Random bytes for ids, drawn from the system CSPRNG a pool at a time: one `randomFillSync` per
 * 256 ids instead of one `getRandomValues` per id (that call was ~3% of the API's CPU per turn).
 */
const POOL_IDS = 256;
const pool = Buffer.alloc(16 * POOL_IDS);
let poolOffset = pool.length;

function randomBytes16(): Buffer {
  if (poolOffset >= pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + 16);
  poolOffset += 16;
  return bytes;
}

/** Monotonic state of this process's v7 ids (the same rule as the uuid package's own). */
const clock = { msecs: -Infinity, seq: 0 };

/**
 * Time-ordered UUID (v7, RFC 9562), generated in the app so ids sort by creation. Within one
 * millisecond a 32-bit counter (started at a random value) keeps this process's ids increasing.
 */
export function newId(): string {
  const random = randomBytes16();
  const now = Date.now();
  if (now > clock.msecs) {
    clock.msecs = now;
    clock.seq = random.readUInt32BE(6) & 0x7fffffff;
  } else {
    clock.seq = (clock.seq + 1) | 0;
    if (clock.seq === 0) clock.msecs += 1;
  }
  return uuidv7({ random, msecs: clock.msecs, seq: clock.seq });
}

export function isUuid(value: string): boolean {
  return uuidValidate(value);
}

const REALM_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * Realm id rules of the contract: 1–64 chars, first ASCII alphanumeric, then alphanumerics, `_`
 * or `-`; no `:` or whitespace; must not look like a UUID. Returns a reason when invalid.
 */
export function realmIdProblem(value: string): string | undefined {
  if (!REALM_ID.test(value)) {
    return "realm id must be 1-64 characters: a letter or digit, then letters, digits, '_' or '-'";
  }
  if (isUuid(value)) return "realm id must not look like a UUID";
  return undefined;
}

export function newRealmId(): string {
  return `realm-${uuidv7()}`;
}

export type LocatorResult = { ok: true; sessionId: string } | { ok: false; message: string };

/**
 * Resolves a session path/body id: a bare UUID or a locator `<realm_id>:<uuid>` whose realm must
 * be `activeRealm`. Messages follow the reference's wording.
 */
export function resolveSessionLocator(input: string, activeRealm: string): LocatorResult {
  const colon = input.lastIndexOf(":");
  if (colon === -1) {
    return isUuid(input)
      ? { ok: true, sessionId: input.toLowerCase() }
      : {
          ok: false,
          message: `Invalid session id '${input}': expected a UUID or '<realm_id>:<uuid>'`,
        };
  }
  const realm = input.slice(0, colon);
  const id = input.slice(colon + 1);
  if (realmIdProblem(realm) !== undefined || !isUuid(id)) {
    return {
      ok: false,
      message: `Invalid session locator '${input}': expected '<realm_id>:<uuid>'`,
    };
  }
  if (realm !== activeRealm) {
    return {
      ok: false,
      message: `Session locator realm '${realm}' does not match active realm '${activeRealm}'`,
    };
  }
  return { ok: true, sessionId: id.toLowerCase() };
}

export function sessionRef(realmId: string, sessionId: string): string {
  return `${realmId}:${sessionId}`;
}
