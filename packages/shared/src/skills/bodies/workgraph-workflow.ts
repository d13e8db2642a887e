/** How the agent coordinates realm-wide work items. */
export const WORKGRAPH_WORKFLOW = `# WorkGraph workflow

The work graph is a realm-wide store of work items with dependencies, shared by every agent of
the realm. Use it for work that several sessions coordinate on.

## Tools

- Read: \`workgraph_list\`, \`workgraph_get\`, \`workgraph_ready\` (items whose blockers are all done),
  \`workgraph_snapshot\`, \`workgraph_events\`.
- Create and change: \`workgraph_create\`, \`workgraph_update\`, \`workgraph_block\`,
  \`workgraph_link\` (edges \`blocks\`, \`parent\`, \`related\`, \`supersedes\`, \`derived_from\`),
  \`workgraph_add_evidence\`.
- Ownership: \`workgraph_claim\` before working on an item, \`workgraph_release\` if you stop.
- Finish: \`workgraph_close\` with \`completed\`, \`cancelled\` or \`failed\`.

Every change needs the item's current \`expected_revision\`; on a conflict, read the item again
and decide whether your change still applies.

## Working well

1. Start from \`workgraph_ready\` rather than picking items at random.
2. Claim before you work, so two agents do not do the same thing.
3. Attach evidence (links, results, summaries) when you close an item, so others can verify it.
4. Model order with \`blocks\` edges and breakdowns with \`parent\` edges instead of long
   descriptions.
`;
