import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli';
import { unifiedDiff, validateFixCommand } from '../../src/cliFix';
import { DEFAULT_PLAN_ROOTS } from '../../src/core/planIndex';
import { filesOf, fixturesDir, toCrlf } from './helpers';

function copyOf(fixture: string, transform?: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'autopm-fix-'));
  cpSync(join(fixturesDir, fixture), dir, { recursive: true });
  if (transform) for (const [path, text] of filesOf(dir)) writeFileSync(join(dir, path), transform(text));
  return dir;
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } };
}

const run = async (dir: string, dryRun: boolean) => {
  const c = capture();
  const code = await validateFixCommand(dir, DEFAULT_PLAN_ROOTS, { dryRun, json: false }, c.io);
  return { code, text: c.out.join('\n') };
};

const PAYMENTS = '.claude/epics/payments';

describe('autopm validate --fix', () => {
  test('--dry-run prints the diff of every safe fix and what it would fix, and writes nothing', async (t) => {
    const dir = copyOf('synced');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const before = filesOf(dir);
    const { code, text } = await run(dir, true);
    assert.equal(code, 0);
    assert.deepEqual(filesOf(dir), before);
    assert.ok(text.startsWith([
      `--- a/${PAYMENTS}/3.md`,
      `+++ b/${PAYMENTS}/3.md`,
      '@@ -4,7 +4,7 @@',
      ' created: 2026-03-02T09:00:00Z',
      ' updated: 2026-03-03T10:00:00Z',
      ' github: https://github.com/acme/shop/issues/3',
      '-depends_on: [001, 003]',
      '+depends_on: [2, 4]',
      ' parallel: false',
      ' conflicts_with: [004]',
      ' ---',
      '',
    ].join('\n')), text);
    const summary = text.slice(text.indexOf('Would fix'));
    assert.equal(summary, [
      'Would fix 9 problems in 5 files (dry run: nothing written):',
      `  ${PAYMENTS}/3.md:7  Write 2 for 001, its number since the sync  [dependency-renamed]`,
      `  ${PAYMENTS}/3.md:7  Write 4 for 003, its number since the sync  [dependency-renamed]`,
      `  ${PAYMENTS}/4.md:2  Quote the value of \`name\`: "Data layer: models, storage"  [frontmatter-malformed]`,
      `  ${PAYMENTS}/4.md:7  Write 2 for 001, its number since the sync  [dependency-renamed]`,
      `  ${PAYMENTS}/4.md:10  Keep \`updated\` on line 10 (the one read) and delete line 5  [frontmatter-malformed]`,
      `  ${PAYMENTS}/5.md:8  Write 3 for 002, its number since the sync  [dependency-renamed]`,
      `  ${PAYMENTS}/6.md:7  Write 5 for 004, its number since the sync  [dependency-renamed]`,
      // `progress: 40%` was written for the five listed tasks; 7.md makes it 2 of 6.
      `  ${PAYMENTS}/epic.md:6  Set progress to 33%  [progress-stale]`,
      `  ${PAYMENTS}/epic.md:11  Add task 7 to the checklist  [checklist-missing-task]`,
      '',
      'No fix:',
      `  ${PAYMENTS}/7.md:1:1  warning  Task file 7.md is empty, so it is not scheduled; give it frontmatter (name, status, depends_on...) or delete it.  [frontmatter-missing]`,
      '',
      '0 errors, 1 warning, 0 info left.',
    ].join('\n'));
  });

  test('applied, the files change by exactly the diff, only the empty file\'s warning is left, and a second run changes nothing', async (t) => {
    const dir = copyOf('synced');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const before = filesOf(dir);
    const dry = await run(dir, true);
    const { code } = await run(dir, false);
    assert.equal(code, 0);
    const after = filesOf(dir);
    const changed = [...after.keys()].filter((path) => after.get(path) !== before.get(path)).sort();
    assert.deepEqual(changed, ['3.md', '4.md', '5.md', '6.md', 'epic.md'].map((f) => `${PAYMENTS}/${f}`));
    // The printed diff is the change made.
    for (const path of changed) assert.ok(dry.text.includes(unifiedDiff(path, before.get(path)!, after.get(path)!)), path);
    assert.equal(after.get(`${PAYMENTS}/4.md`), before.get(`${PAYMENTS}/4.md`)!
      .replace('name: Data layer: models, storage', 'name: "Data layer: models, storage"')
      .replace('updated: 2026-03-04T16:00:00Z\n', '')
      .replace('depends_on: ["001"]', 'depends_on: ["2"]'));
    assert.match(after.get(`${PAYMENTS}/epic.md`)!, /\nprogress: 33%\n/);

    const again = await run(dir, false);
    assert.equal(again.code, 0);
    assert.ok(again.text.startsWith('Nothing to fix without a choice.\n'), again.text);
    assert.deepEqual(filesOf(dir), after);
  });

  test('CRLF files stay CRLF', async (t) => {
    const dir = copyOf('synced', toCrlf);
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const before = filesOf(dir);
    await run(dir, false);
    for (const [path, text] of filesOf(dir)) {
      if (text === before.get(path)) continue;
      assert.doesNotMatch(text, /(?<!\r)\n/, `${path} has a bare LF`);
    }
    assert.ok(readFileSync(join(dir, PAYMENTS, '4.md'), 'utf8').includes('name: "Data layer: models, storage"\r\n'));
  });

  test('through the command line: fixes with a choice are listed, not applied, and errors left exit 1', async (t) => {
    const dir = copyOf('broken');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const c = capture();
    const code = await main(['validate', dir, '--fix', '--no-cache'], c.io);
    assert.equal(code, 1);
    const text = c.out.join('\n');
    assert.match(text, /^Fixed 3 problems in 2 files:\n {2}\.claude\/epics\/bad\/epic\.md:4 {2}Set progress to 0% {2}\[progress-stale\]\n {2}\.claude\/epics\/bad\/epic\.md:7 {2}Add task 003 to the checklist {2}\[checklist-missing-task\]\n {2}epics\/epic-002-broken\.md:16 {2}Remove the dependency of T4 on itself {2}\[dependency-self\]$/m);
    assert.ok(text.includes([
      '  .claude/epics/bad/002.md:4:1  Task 002 depends on 077, which is not a task of epic bad. It stays blocked until the reference is fixed.  [dependency-dangling]',
      '      - Remove the dependency on 077',
      '      - Replace 077 with another task…',
    ].join('\n')), text);
    // What it fixed is gone from a plain validate; the rest is still there.
    const check = capture();
    assert.equal(await main(['validate', dir, '--json', '--no-cache'], check.io), 1);
    const codes = (JSON.parse(check.out.join('\n')) as { diagnostics: Array<{ code: string }> }).diagnostics.map((d) => d.code);
    assert.ok(!codes.includes('dependency-self') && !codes.includes('checklist-missing-task') && !codes.includes('progress-stale'), codes.join(', '));
    assert.ok(codes.includes('dependency-cycle') && codes.includes('dependency-dangling'));
  });

  test('--json says what changed, what was fixed and what needs a choice', async (t) => {
    const dir = copyOf('broken');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const before = filesOf(dir);
    const c = capture();
    assert.equal(await validateFixCommand(dir, DEFAULT_PLAN_ROOTS, { dryRun: true, json: true }, c.io), 1);
    const report = JSON.parse(c.out.join('\n')) as { dryRun: boolean; changed: Array<{ path: string; diff: string }>; fixed: Array<{ code: string }>; needsChoice: Array<{ code: string; fixes: string[] }> };
    assert.equal(report.dryRun, true);
    assert.deepEqual(report.changed.map((f) => f.path), ['.claude/epics/bad/epic.md', 'epics/epic-002-broken.md']);
    assert.deepEqual(report.fixed.map((f) => f.code), ['progress-stale', 'checklist-missing-task', 'dependency-self']);
    assert.ok(report.needsChoice.some((n) => n.code === 'task-duplicate-id' && n.fixes[0] === 'Renumber this task to T5'));
    assert.deepEqual(filesOf(dir), before);
  });
});
