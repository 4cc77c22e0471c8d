import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prdTarget, prdTemplate, slugOf } from '../../src/core/newPrd';
import { DEFAULT_PLAN_ROOTS } from '../../src/core/planIndex';

/** A workspace given as its folders and their file names. */
function folders(tree: Record<string, string[]>) {
  return {
    exists: async (path: string) => path in tree,
    list: async (path: string) => (tree[path] ?? []).map((name) => ({ name })),
  };
}

test('a new PRD goes to the first prds folder that exists, in that folder\'s layout', async () => {
  const target = async (tree: Record<string, string[]>, roots: readonly string[] = DEFAULT_PLAN_ROOTS) => {
    const { exists, list } = folders(tree);
    return (await prdTarget(roots, exists, list, 'Team Calendar!'))?.path;
  };
  assert.equal(await target({}), '.claude/prds/team-calendar.md');
  assert.equal(await target({ '.claude/prds': [] }), '.claude/prds/team-calendar.md');
  assert.equal(await target({ prds: [] }), 'prds/prd-001-team-calendar.md');
  assert.equal(await target({ prds: ['prd-001-a.md', 'prd-007-b.md', 'prd-2024-review.md', 'notes.md'] }), 'prds/prd-008-team-calendar.md');
  assert.equal(await target({ prds: ['prd-001-a.md'], '.claude/prds': [] }), 'prds/prd-002-team-calendar.md');
  assert.equal(await target({}, ['docs/prds', 'docs/epics']), 'docs/prds/prd-001-team-calendar.md');
  assert.equal(await target({}, ['plans']), 'plans/prd-team-calendar.md');
  assert.equal(await target({}, ['epics']), undefined);
});

test('names and templates', () => {
  assert.equal(slugOf('  Crème Brûlée: v2!  '), 'creme-brulee-v2');
  assert.equal(slugOf('!!!'), '');
  const directory = prdTemplate('directory', 'Team Calendar', '001', '2026-11-22T10:00:00Z');
  assert.match(directory, /^---\nname: team-calendar\ndescription: "Team Calendar"\nstatus: backlog\ncreated: 2026-11-22T10:00:00Z\n---\n\n# PRD: Team Calendar\n\n## Executive Summary\n/);
  const single = prdTemplate('single-file', 'Team Calendar', '008', '2026-11-22T10:00:00Z');
  assert.match(single, /^# PRD-008: Team Calendar\n\n\*\*Created:\*\* 2026-11-22\n\*\*Status:\*\* Draft\n\n## Problem Statement\n/);
  assert.ok(single.endsWith('## Out of Scope\n'));
});
