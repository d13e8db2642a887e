import { parseArgs } from "node:util";

export interface ApiCliOptions {
  realm?: string | undefined;
  instance?: string | undefined;
  isolated: boolean;
  exposePaths: boolean;
  /** Flags of the reference server that have no meaning here (accepted, ignored with a warning). */
  ignored: string[];
}

const IGNORED_FLAGS = ["realm-backend", "state-root", "context-root", "user-config-root"] as const;

/** Parses the flags `rkat-rest` takes: --realm, --instance, --isolated, --expose-paths. */
export function parseApiArgs(argv: readonly string[]): ApiCliOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      realm: { type: "string" },
      instance: { type: "string" },
      isolated: { type: "boolean", default: false },
      "expose-paths": { type: "boolean", default: false },
      ...Object.fromEntries(IGNORED_FLAGS.map((flag) => [flag, { type: "string" as const }])),
    },
    strict: true,
    allowPositionals: false,
  });
  return {
    realm: values.realm,
    instance: values.instance,
    isolated: values.isolated,
    exposePaths: values["expose-paths"],
    ignored: IGNORED_FLAGS.filter(
      (flag) => (values as Record<string, unknown>)[flag] !== undefined,
    ),
  };
}
