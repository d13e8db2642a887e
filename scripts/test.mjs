// `npm test`: ensure Postgres and Redis, build, then run every test (unit and integration).
// Extra arguments go to vitest, e.g. `npm test -- --project unit` or a file filter.
import { join } from "node:path";
import { build, ensureServices, loadDotEnv, ROOT, run } from "./lib.mjs";

loadDotEnv();
ensureServices();
build();
const vitest = join(ROOT, "node_modules/vitest/vitest.mjs");
const child = run(process.execPath, [vitest, "run", ...process.argv.slice(2)], {
  env: { ...process.env, NODE_ENV: "test" },
});
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
