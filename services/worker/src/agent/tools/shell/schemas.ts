/** Input schemas of the shell tools (contract §11.5). */
import { strictObject, stringProp } from "../builtins/schema.js";

/** A day: longer work belongs in a background job polled with shell_job_status. */
export const MAX_TIMEOUT_SECS = 86_400;

export const shellSchema = strictObject(
  {
    command: stringProp("The command line to run, e.g. `ls -la` or `npm test 2>&1 | tail`.", {
      minLength: 1,
    }),
    working_dir: stringProp(
      "Directory to run in, relative to the session's working directory (default: that directory). It must stay inside it.",
    ),
    timeout_secs: {
      type: "integer",
      minimum: 1,
      maximum: MAX_TIMEOUT_SECS,
      description:
        "Seconds before the command and everything it started are killed (default from config, usually 30).",
    },
    background: {
      type: "boolean",
      description:
        "Run in the background and return a job id at once; poll it with shell_job_status. Use it for long builds, servers or downloads.",
    },
  },
  ["command"],
);

const jobId = stringProp("The job id returned by `shell` with background: true.", {
  minLength: 1,
});

export const shellJobsSchema = strictObject({});
export const shellJobStatusSchema = strictObject({ job_id: jobId }, ["job_id"]);
export const shellJobCancelSchema = strictObject({ job_id: jobId }, ["job_id"]);
