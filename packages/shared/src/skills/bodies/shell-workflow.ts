/** How the agent runs commands safely with the shell tools. */
export const SHELL_WORKFLOW = `# Shell workflow

The shell tools run commands in a scratch directory that belongs to this session; files you
create there stay for later turns of the same session.

## Tools

- \`shell {command, working_dir?, timeout_secs?, background?}\` runs a command and returns
  \`{exit_code, stdout, stderr, timed_out, duration_secs}\`. The timeout defaults to 30 seconds and
  only the last part of long output is kept.
- With \`"background": true\` it returns at once with \`{job_id, status: "running"}\`. Follow it
  with \`shell_job_status {job_id}\`, list jobs with \`shell_jobs {}\`, stop one with
  \`shell_job_cancel {job_id}\`. Job states: \`running\`, \`completed\`, \`failed\`, \`timed_out\`,
  \`cancelled\`.

## Working well

1. Look before you act: \`ls\`, \`cat\`, \`git status\` and similar cheap commands first.
2. Check \`exit_code\` and read \`stderr\` after every command; a non-zero exit is a failure even when
   \`stdout\` looks fine. Do not retry the same command blindly: change something first.
3. Run anything that may take longer than the timeout (builds, test suites, downloads) in the
   background and poll its status instead of raising the timeout.
4. Never start interactive programs (editors, pagers, prompts waiting for input); pass flags such
   as \`-y\` or \`--no-pager\`, or pipe input in.
5. Quote paths and arguments; prefer relative paths inside the working directory.
6. Limit output you do not need (\`| head\`, \`--quiet\`) so the useful part is not cut off.
7. Ask before anything destructive or outside the working directory (deleting data, changing
   system settings, pushing to shared repositories). The service may also refuse commands by
   policy (allow or deny lists); report that instead of working around it.
8. Environment variables configured for the session (\`shell_env\`) are already set; never print
   secrets into the conversation.
`;
