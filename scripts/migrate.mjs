// `npm run db:migrate`: build if needed, then apply migrations to DATABASE_URL.
import { build, loadDotEnv, migrate } from "./lib.mjs";

loadDotEnv();
build();
migrate();
