/**
 * The synthetic workspaces the benchmarks index: 1,000 epics of 10 tasks each (or as many
 * epics as asked), written once under bench/.workspaces (kept between runs; a new
 * GENERATOR_VERSION writes them again).
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type Layout = 'single-file' | 'directory';

export const EPICS = 1000;
export const TASKS_PER_EPIC = 10;
const GENERATOR_VERSION = 2;
export const workspacesDir = resolve(__dirname, '.workspaces');

export function pad(n: number, width = 3): string {
  return String(n).padStart(width, '0');
}

/** A single-file epic of about 4 KB, shaped like the ones the command-line tools write. */
export function singleFileEpic(e: number): string {
  const lines = [
    `# Epic ${pad(e)}: Synthetic product ${e}`,
    '',
    `**Based on:** PRD-${pad(e)}`,
    `**Status:** ${['Planning', 'In Progress', 'Done'][e % 3]}`,
    '**Start Date:** 2026-01-05',
    '**Target:** 2026-02-20',
    '',
    '## Overview',
    '',
    `Deliver synthetic product ${e}: a service, its API, tests and deployment. This`,
    'paragraph stands in for the overview a team writes before it breaks work down.',
    '',
    '## Tasks',
    '',
  ];
  for (let t = 1; t <= TASKS_PER_EPIC; t++) {
    if (t % 2 === 1) lines.push(`### Group ${Math.ceil(t / 2)}`);
    const mark = t <= (e % TASKS_PER_EPIC) ? 'x' : t === (e % TASKS_PER_EPIC) + 1 ? '-' : ' ';
    lines.push(
      `- [${mark}] **Task ${t}:** Build part ${t} of product ${e}${t % 3 === 0 ? ` (#${e * 100 + t})` : ''}`,
      '  - Write the module and its unit tests',
      '  - Review the interface with the team',
      `  - **Estimate:** ${1 + (t % 4)} hours`,
      `  - **Agent:** ${t % 2 === 0 ? 'python-backend-engineer' : 'frontend-engineer'}`,
      ...(t > 2 && t % 4 === 0 ? [`  - **Depends on:** Task ${t - 2}`] : []),
      '',
    );
  }
  lines.push(
    '## Milestones',
    '',
    '- **M1 (Day 2):** Foundations (Tasks 1-4)',
    '- **M2 (Day 5):** Feature complete (Tasks 5-8)',
    '- **M3 (Day 7):** Shipped (Tasks 9-10)',
    '',
    '## Dependencies',
    '',
    '```mermaid',
    'graph TD',
  );
  for (let t = 2; t <= TASKS_PER_EPIC; t++) lines.push(`    T${t - 1}[Task ${t - 1}: Part ${t - 1}] --> T${t}[Task ${t}: Part ${t}]`);
  lines.push('```', '', '## Risks', '', '1. **Risk:** Scope creep', '   **Mitigation:** Weekly review of the task list', '');
  return lines.join('\n');
}

export function epicMd(e: number): string {
  const lines = [
    '---',
    `name: product-${e}`,
    `status: ${['backlog', 'in-progress', 'completed'][e % 3]}`,
    'created: 2026-01-05T09:00:00Z',
    'updated: 2026-01-20T17:00:00Z',
    `progress: ${(e % TASKS_PER_EPIC) * 10}%`,
    `prd: .claude/prds/product-${e}.md`,
    `github: https://github.com/acme/products/issues/${e * 100}`,
    '---',
    '',
    `# Epic: product-${e}`,
    '',
    '## Overview',
    '',
    `Synthetic product ${e}.`,
    '',
    '## Tasks Created',
  ];
  for (let t = 1; t <= TASKS_PER_EPIC; t++) {
    lines.push(`- [${t <= e % TASKS_PER_EPIC ? 'x' : ' '}] ${pad(t)}.md - Part ${t} of product ${e} (parallel: ${t % 2 === 0})`);
  }
  lines.push('', `Total tasks: ${TASKS_PER_EPIC}`, '');
  return lines.join('\n');
}

/** A task file of about 400 bytes. */
export function taskFile(e: number, t: number): string {
  const done = t <= e % TASKS_PER_EPIC;
  return [
    '---',
    `name: Part ${t} of product ${e}`,
    `status: ${done ? 'closed' : t === (e % TASKS_PER_EPIC) + 1 ? 'in-progress' : 'open'}`,
    'created: 2026-01-05T09:00:00Z',
    'updated: 2026-01-20T17:00:00Z',
    'github:',
    `depends_on: [${t > 1 ? pad(t - 1) : ''}]`,
    `parallel: ${t % 2 === 0}`,
    'conflicts_with: []',
    '---',
    '',
    `# Task: Part ${t} of product ${e}`,
    '',
    '## Description',
    '',
    'Build this part, with tests.',
    '',
    '## Acceptance Criteria',
    '- [ ] Behaviour covered by tests',
    '- [ ] Reviewed',
    '',
  ].join('\n');
}

/** Writes epic `e` under `root` in one layout, with a PRD for every tenth epic. */
export function writeEpic(root: string, e: number, layout: Layout): void {
  if (layout === 'single-file') {
    mkdirSync(join(root, 'epics'), { recursive: true });
    writeFileSync(join(root, 'epics', `epic-${pad(e, 4)}-product-${e}.md`), singleFileEpic(e));
    if (e % 10 === 0) {
      mkdirSync(join(root, 'prds'), { recursive: true });
      writeFileSync(join(root, 'prds', `prd-${pad(e, 4)}-product-${e}.md`), `# PRD-${pad(e)}: Product ${e}\n\n**Status:** Draft\n\n## Problem Statement\n\nSynthetic.\n`);
    }
  } else {
    const epicDir = join(root, '.claude', 'epics', `product-${e}`);
    mkdirSync(epicDir, { recursive: true });
    writeFileSync(join(epicDir, 'epic.md'), epicMd(e));
    for (let t = 1; t <= TASKS_PER_EPIC; t++) writeFileSync(join(epicDir, `${pad(t)}.md`), taskFile(e, t));
    if (e % 10 === 0) {
      mkdirSync(join(root, '.claude', 'prds'), { recursive: true });
      writeFileSync(join(root, '.claude', 'prds', `product-${e}.md`), `---\nname: product-${e}\nstatus: backlog\n---\n\n# PRD: product ${e}\n`);
    }
  }
}

/**
 * The workspace `name` of `epics` epics in bench/.workspaces, filled by `fill` unless an
 * earlier run completed it. The marker file is written last, so an interrupted run starts over.
 */
export function workspace(name: string, fill: (dir: string) => void, epics = EPICS): string {
  const dir = join(workspacesDir, `${name}-${epics}x${TASKS_PER_EPIC}-v${GENERATOR_VERSION}`);
  if (existsSync(join(dir, '.complete'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  fill(dir);
  writeFileSync(join(dir, '.complete'), '');
  return dir;
}

/** 1,000 epics (or `epics`) in one layout, at the workspace root. */
export function generate(layout: Layout, epics = EPICS): string {
  return workspace(
    layout,
    (dir) => {
      for (let e = 1; e <= epics; e++) writeEpic(dir, e, layout);
    },
    epics,
  );
}
