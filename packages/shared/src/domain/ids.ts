import { v7 as uuidv7, validate as uuidValidate } from "uuid";

export type SessionId = string & { readonly __brand: "SessionId" };
export type TurnId = string & { readonly __brand: "TurnId" };
export type RealmId = string & { readonly __brand: "RealmId" };

/** Time-ordered UUID (v7), generated in the app so ids sort by creation. */
export function newId(): string {
  return uuidv7();
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
