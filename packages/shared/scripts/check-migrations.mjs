// Fails when the drizzle schema has changes that no committed migration contains: runs
// `drizzle-kit generate` against a temporary copy of drizzle/ and checks that it finds nothing.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "meerkat-migrations-"));
try {
  cpSync(join(root, "drizzle"), join(work, "drizzle"), { recursive: true });
  const before = readdirSync(join(work, "drizzle")).length;
  const config = join(work, "drizzle.config.mjs");
  writeFileSync(
    config,
    `export default ${JSON.stringify({
      dialect: "postgresql",
      schema: join(root, "src/db/schema/index.ts"),
      out: "./drizzle",
    })};\n`,
  );
  const result = spawnSync(
    join(root, "../../node_modules/.bin/drizzle-kit"),
    ["generate", "--config", config, "--name", "check"],
    {
      cwd: work,
      encoding: "utf8",
    },
  );
  const after = readdirSync(join(work, "drizzle")).length;
  if (result.status !== 0 || after !== before) {
    process.stderr.write(result.stdout + result.stderr);
    process.stderr.write(
      "\nerror: the schema differs from the committed migrations; run `npm run db:generate` and commit the SQL.\n",
    );
    process.exit(1);
  }
  process.stdout.write("migrations match the schema\n");
} finally {
  rmSync(work, { recursive: true, force: true });
}
