/** How the agent keeps a durable task list with the task tools. */
export const TASK_WORKFLOW = `# Task workflow

The task tools keep a durable to-do list for work that takes more than a couple of steps. Tasks
outlive the turn that created them: a later turn, or another agent of the same realm, can pick
them up where you left off.

## Tools

- \`task_create {subject, description, priority?, labels?, blocks?, blocked_by?, owner?, metadata?}\`
  adds a task. It starts as \`pending\` with priority \`medium\` unless you say otherwise, and the
  result carries its \`id\`.
- \`task_list {status?, labels?}\` lists tasks, optionally only those with a status (\`pending\`,
  \`in_progress\`, \`completed\`) or carrying given labels.
- \`task_get {id}\` returns one task with its dependencies.
- \`task_update {id, ...}\` changes \`subject\`, \`description\`, \`status\`, \`priority\`, \`labels\` or
  \`owner\`. \`metadata\` is merged key by key (a \`null\` value removes the key). Dependencies change
  with \`add_blocks\`, \`remove_blocks\`, \`add_blocked_by\` and \`remove_blocked_by\`.
- \`datetime {}\` tells you the current date and time when a task needs a deadline.

## Working with tasks

1. Call \`task_list\` before creating anything: the work may already be tracked.
2. Split the request into tasks you can finish in one or two steps. Write subjects a reader
   understands without the conversation ("Draft the release notes for 2.3", not "notes").
3. Record ordering with \`blocked_by\` instead of prose, so the next ready task is obvious.
4. Set a task \`in_progress\` when you start it and \`completed\` as soon as it is done, not in one
   batch at the end. Keep a single task \`in_progress\` at a time unless work truly runs in
   parallel.
5. A task that turns out to be unnecessary is completed with a note in \`metadata\` (for example
   \`{"outcome": "not needed"}\`) so the history explains itself.
6. When you report, work from the list: what is done, what remains, and what is blocked and by
   what.
`;
