import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeEpic } from '../../src/core/analysis';
import { claudeCodeUri, handoffPrompt, MAX_PART, taskBody } from '../../src/core/devloop/handoff';
import type { Epic, Prd } from '../../src/core/model';
import { prdOfEpic } from '../../src/core/progress';
import { examplesDir, indexOf, MemoryFileSystem, read } from './helpers';
import { PlanIndex } from '../../src/core/planIndex';

async function example(epicPath: string): Promise<{ epic: Epic; prd?: Prd; text: (path: string) => string }> {
  const index = await indexOf(examplesDir);
  const epic = index.allEpics.find((e) => e.path === epicPath)!;
  const prd = prdOfEpic(epic, index.prds, index.allEpics);
  return { epic, ...(prd ? { prd } : {}), text: (path) => read(examplesDir, path) };
}

describe('the hand-off prompt', () => {
  test('a single-file task: its lines, the epic, the PRD requirements and the file to mark', async () => {
    const { epic, prd, text } = await example('epics/epic-001-link-shortener.md');
    assert.ok(prd, 'the example epic names its PRD');
    const task = epic.tasks.find((t) => t.id === 'T4')!;
    const prompt = handoffPrompt({ epic, task, epicText: text(epic.path), prd: { prd, text: text(prd.path) }, analysis: analyzeEpic(epic) });
    const first = prompt.split('\n')[0];
    assert.equal(first, `Implement task T4 of the epic "${epic.title}": Redirect endpoint with Redis cache (estimate 4 hours, priority high).`);
    assert.ok(prompt.includes('## The task\n\n- [ ] **Task 4:** Redirect endpoint with Redis cache\n  - 301 for permanent links, 302 for retargetable ones\n  - **Estimate:** 4 hours\n  - **Priority:** high\n\n'), prompt);
    assert.ok(!prompt.includes('**Task 5:**'), 'the next task is not part of this one');
    assert.match(prompt, /## From the PRD \([^)]+\): [^\n]*Requirements/i);
    assert.ok(prompt.endsWith("- Mark the task done in epics/epic-001-link-shortener.md, on the task's line.\n"), prompt.slice(-300));
  });

  test('a directory-layout task: its file without frontmatter or title, done dependencies, and its issue', async () => {
    const { epic, prd, text } = await example('.claude/epics/team-calendar/epic.md');
    const analysis = analyzeEpic(epic);
    const task = epic.tasks.find((t) => t.dependsOn.some((d) => analysis.tasks.get(d)?.task.state === 'done'))!;
    assert.ok(task, 'the example has a task whose dependency is done');
    const taskText = text(task.path);
    const prompt = handoffPrompt({ epic, task, epicText: text(epic.path), taskText, ...(prd ? { prd: { prd, text: text(prd.path) } } : {}), analysis });
    assert.ok(prompt.includes('## Already done, which this builds on\n\n- '), prompt);
    assert.ok(!prompt.includes('\n---\n'), 'no frontmatter');
    assert.ok(prompt.includes(`Mark the task done in ${task.path}`));
    if (task.issue !== undefined) assert.ok(prompt.includes(`mention #${task.issue} in the commit message`));
    const body = taskBody({ epic, task, epicText: text(epic.path), taskText });
    assert.ok(!/^#\s/.test(body), body.slice(0, 80));
    assert.ok(!/^##\s/m.test(body), 'its headings sit under the prompt\'s own');
    assert.match(body, /^### Acceptance Criteria$/m);
  });

  test('no PRD, no groups, a dangling dependency, an empty task file, and an overview too long', async () => {
    const long = Array.from({ length: 400 }, (_, i) => `Line ${i} of a long overview.`).join('\n');
    const files = new MemoryFileSystem({
      'epics/epic-009-odd.md': `# Epic 009: Odd\n\n**Status:** Planning\n\n## Overview\n\n${long}\n\n## Tasks\n\n- [ ] **Task 1:** First\n  - **Depends on:** Task 7\n- [ ] **Task 2:** Second\n`,
    });
    const index = new PlanIndex(files);
    await index.build();
    const epic = index.allEpics[0];
    const task = epic.tasks[0];
    const prompt = handoffPrompt({ epic, task, epicText: files.files.get(epic.path)!, analysis: analyzeEpic(epic) });
    assert.ok(!prompt.includes('From the PRD'));
    assert.ok(!prompt.includes('Already done'), 'a dangling dependency is not done work');
    const overview = /## From the epic: Overview\n\n([\s\S]*?)\n\n## /.exec(prompt)![1];
    assert.ok(overview.length <= MAX_PART + 80, String(overview.length));
    assert.match(overview, /\[… cut: \d+ more characters in the file\]$/);
    assert.ok(prompt.includes('## The task\n\n- [ ] **Task 1:** First\n  - **Depends on:** Task 7\n\n'), prompt);
  });

  test('the link encodes the whole prompt', () => {
    const prompt = 'Fix #12 & "quotes" ✓\nnext line';
    const uri = claudeCodeUri('vscode', prompt);
    assert.equal(uri, `vscode://anthropic.claude-code/open?prompt=${encodeURIComponent(prompt)}`);
    assert.equal(new URL(uri).searchParams.get('prompt'), prompt);
  });
});
