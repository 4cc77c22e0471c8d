/**
 * A Kiro task's `_Requirements:_` references checked against its spec's requirements.md:
 * the warning on each number that file does not define, kept in step when either file
 * changes, and its fixes (remove the reference, or refer to another requirement), byte
 * for byte on LF and CRLF copies.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fixesFor } from '../../src/core/fixes/fixes';
import type { Diagnostic, DiagnosticData } from '../../src/core/model';
import { kiroRequirementRefs, kiroRequirements } from '../../src/core/parse/kiroParser';
import { PlanIndex } from '../../src/core/planIndex';
import type { Workspace } from './fixesHelpers';
import { applied, checkFix, workspaceOf } from './fixesHelpers';
import { MemoryFileSystem, toCrlf } from './helpers';

const DIR = '.kiro/specs/sign-in';
const TASKS = `${DIR}/tasks.md`;
const REQUIREMENTS = `${DIR}/requirements.md`;

const REQUIREMENTS_MD = [
  '# Requirements Document',
  '',
  '## Introduction',
  '',
  'Sign-in for the web app.',
  '',
  '## Requirements',
  '',
  '### Requirement 1: Registration',
  '',
  '**User Story:** As a visitor, I want an account, so that my data is kept.',
  '',
  '#### Acceptance Criteria',
  '',
  '1. WHEN a visitor registers THEN the system SHALL create an account.',
  '2. WHEN the address is taken THEN the system SHALL say so.',
  '',
  '### Requirement 2: Sign-in',
  '',
  '#### Acceptance Criteria',
  '',
  '1. WHEN the password is right THEN the system SHALL start a session.',
  '2. WHEN it is wrong THEN the system SHALL show one generic error.',
  '3. WHEN it is wrong five times THEN the system SHALL lock the account.',
  '',
].join('\n');

const TASKS_MD = [
  '# Implementation Plan',
  '',
  '- [ ] 1. Registration',
  '  - Build the form',
  '  - _Requirements: 1.1, 4.3, 1.2_',
  '- [ ] 2. Sign-in',
  '  - [ ] 2.1 Session store',
  '    - _Requirements: 2.4_',
  '  - [x] 2.2 Lockout',
  '    - _Requirements: 2.3, 2_',
  '',
].join('\n');

const SPEC = { [TASKS]: TASKS_MD, [REQUIREMENTS]: REQUIREMENTS_MD };

type RequirementData = Extract<DiagnosticData, { code: 'requirement-unknown' }>;

const unknown = (ws: Workspace | PlanIndex) => (ws instanceof PlanIndex ? ws.diagnostics() : ws.diagnostics).filter((d) => d.code === 'requirement-unknown');
const shown = (list: readonly Diagnostic[]) => list.map((d) => `${d.range.line}:${d.range.column}-${d.range.endColumn} ${(d.data as RequirementData).taskId}>${(d.data as RequirementData).ref}`);

const ofRef = (ref: string) => (d: Diagnostic) => (d.data as RequirementData).ref === ref;

describe('requirement-unknown: the diagnostic', () => {
  test('one warning per number requirements.md does not define, on the number itself', async () => {
    const ws = await workspaceOf(SPEC);
    const found = unknown(ws);
    assert.deepEqual(
      found.map((d) => [d.path, d.severity, d.message]),
      [
        [TASKS, 'warning', 'Task 1 refers to requirement 4.3, which requirements.md does not define.'],
        [TASKS, 'warning', 'Task 2.1 refers to requirement 2.4, which requirements.md does not define.'],
      ],
    );
    assert.deepEqual(found[0].range, { line: 4, column: 24, endLine: 4, endColumn: 27 });
    assert.deepEqual(found[1].range, { line: 7, column: 21, endLine: 7, endColumn: 24 });
    assert.deepEqual(found[0].data, { code: 'requirement-unknown', taskId: '1', ref: '4.3' });
    assert.deepEqual(found[1].data, { code: 'requirement-unknown', taskId: '2.1', ref: '2.4' });
    // Nothing else about this spec is wrong.
    assert.deepEqual(ws.diagnostics.filter((d) => d.code !== 'requirement-unknown'), []);
  });

  test('a requirement and its numbered acceptance criteria are defined; a criterion past the last is not', async () => {
    assert.deepEqual(kiroRequirements(REQUIREMENTS_MD).map((r) => r.id), ['1', '1.1', '1.2', '2', '2.1', '2.2', '2.3']);
    const tasks = '- [ ] 1. A\n  - _Requirements: 1, 1.2, 1.3, 2, 2.3, 3_\n';
    const ws = await workspaceOf({ [TASKS]: tasks, [REQUIREMENTS]: REQUIREMENTS_MD });
    assert.deepEqual(shown(unknown(ws)), ['1:27-30 1>1.3', '1:40-41 1>3']);
  });

  test('every number defined: nothing to say', async () => {
    const ws = await workspaceOf({ [TASKS]: TASKS_MD.replace('4.3', '2.1').replace('2.4', '2.2'), [REQUIREMENTS]: REQUIREMENTS_MD });
    assert.deepEqual(unknown(ws), []);
  });

  test('no requirements.md: nothing to check against, so nothing is said', async () => {
    const ws = await workspaceOf({ [TASKS]: TASKS_MD });
    assert.deepEqual(unknown(ws), []);
    // Another spec's requirements.md is not this one's.
    const other = await workspaceOf({ [TASKS]: TASKS_MD, '.kiro/specs/billing/requirements.md': REQUIREMENTS_MD });
    assert.deepEqual(unknown(other), []);
  });

  test('a requirements.md that numbers nothing is written some other way: nothing is said', async () => {
    const ws = await workspaceOf({ [TASKS]: TASKS_MD, [REQUIREMENTS]: '# Requirements\n\n## Sign-in\n\n- Users sign in with a password.\n' });
    assert.deepEqual(unknown(ws), []);
  });

  test('a reference that is not a number (NFR-2, Security) is not checked', async () => {
    const ws = await workspaceOf({ [TASKS]: '- [ ] 1. A\n  - _Requirements: NFR-2, Security, 9_\n', [REQUIREMENTS]: REQUIREMENTS_MD });
    assert.deepEqual(shown(unknown(ws)), ['1:36-37 1>9']);
  });

  test('CRLF and a byte-order mark change no range', async () => {
    const plain = await workspaceOf(SPEC);
    const ugly = await workspaceOf({ [TASKS]: '\uFEFF' + toCrlf(TASKS_MD), [REQUIREMENTS]: '\uFEFF' + toCrlf(REQUIREMENTS_MD) });
    assert.deepEqual(unknown(ugly), unknown(plain));
  });

  test('the warning follows changes to either file, and a requirements.md added or deleted', async () => {
    const fs = new MemoryFileSystem({ ...SPEC });
    const index = new PlanIndex(fs);
    await index.build();
    assert.deepEqual(shown(unknown(index)), ['4:24-27 1>4.3', '7:21-24 2.1>2.4']);

    // requirements.md defines 2.4 now.
    fs.files.set(REQUIREMENTS, REQUIREMENTS_MD + '4. WHEN the session ends THEN the system SHALL sign the user out.\n');
    let change = await index.update([REQUIREMENTS]);
    assert.deepEqual(change.changed, [REQUIREMENTS]);
    assert.deepEqual(shown(unknown(index)), ['4:24-27 1>4.3']);

    // tasks.md refers to 1.3 instead of 4.3.
    fs.files.set(TASKS, TASKS_MD.replace('4.3', '1.3'));
    change = await index.update([TASKS]);
    assert.deepEqual(change.epics, ['sign-in']);
    assert.deepEqual(shown(unknown(index)), ['4:24-27 1>1.3']);

    fs.files.delete(REQUIREMENTS);
    await index.update([REQUIREMENTS]);
    assert.deepEqual(unknown(index), []);

    fs.files.set(REQUIREMENTS, REQUIREMENTS_MD);
    await index.update([REQUIREMENTS]);
    assert.deepEqual(shown(unknown(index)), ['4:24-27 1>1.3', '7:21-24 2.1>2.4']);

    // Saved unchanged: nothing is read into the index again, and the warnings stay.
    const reads = fs.reads;
    change = await index.update([TASKS, REQUIREMENTS]);
    assert.deepEqual([change.changed, change.added], [[], []]);
    assert.equal(fs.reads, reads + 2);
    assert.equal(unknown(index).length, 2);
  });
});

describe('requirement-unknown: the fixes', () => {
  const base = '# Plan\n\n- [ ] 1. A\n  - _Requirements: REF_\n  - Notes\n';
  const code = 'requirement-unknown';

  test('remove a reference between two others, with the separator after it', async () => {
    const fixes = await checkFix({
      files: SPEC,
      code,
      which: ofRef('4.3'),
      title: 'Remove the reference to requirement 4.3',
      safe: false,
      after: { [TASKS]: TASKS_MD.replace('1.1, 4.3, 1.2', '1.1, 1.2') },
    });
    assert.deepEqual(
      fixes.map((f) => [f.title, f.safe, f.preferred, f.preview]),
      [
        ['Remove the reference to requirement 4.3', false, true, false],
        ['Refer to another requirement…', false, false, false],
      ],
    );
    // Numbers the task already names are left out; the nearest come first.
    assert.deepEqual(fixes[1].choice?.options.map((o) => o.label), ['2.3', '2.1', '2.2', '1', '2']);
    assert.equal(fixes[1].choice?.placeholder, 'The requirement task 1 refers to instead of 4.3');
  });

  test('remove the only reference: the whole _Requirements:_ line goes, with its line break', async () => {
    await checkFix({
      files: SPEC,
      code,
      which: ofRef('2.4'),
      title: 'Remove the reference to requirement 2.4',
      safe: false,
      after: { [TASKS]: TASKS_MD.replace('    - _Requirements: 2.4_\n', '') },
    });
  });

  test('remove the first reference, or the last', async () => {
    for (const refs of ['9.9, 1.1', '1.1;9.9', '1.1 ,  9.9']) {
      await checkFix({
        files: { [TASKS]: base.replace('REF', refs), [REQUIREMENTS]: REQUIREMENTS_MD },
        code,
        title: 'Remove the reference to requirement 9.9',
        safe: false,
        after: { [TASKS]: base.replace('REF', '1.1') },
      });
    }
  });

  test('the only reference on the last line, with no line break after it', async () => {
    await checkFix({
      files: { [TASKS]: '- [ ] 1. A\n  - _Requirements: 9.9_', [REQUIREMENTS]: REQUIREMENTS_MD },
      code,
      title: 'Remove the reference to requirement 9.9',
      safe: false,
      after: { [TASKS]: '- [ ] 1. A' },
    });
  });

  test('refer to another requirement: the nearest numbers first, each with its words', async () => {
    const fixes = await checkFix({
      files: SPEC,
      code,
      which: ofRef('2.4'),
      title: 'Refer to another requirement…',
      option: '2.3',
      safe: false,
      after: { [TASKS]: TASKS_MD.replace('_Requirements: 2.4_', '_Requirements: 2.3_') },
    });
    const options = fixes[1].choice!.options;
    assert.deepEqual(options.map((o) => o.label), ['2.1', '2.2', '2.3', '1.1', '1.2', '2', '1']);
    assert.equal(options[0].detail, 'WHEN the password is right THEN the system SHALL start a session.');
    assert.equal(options[5].detail, 'Sign-in');
    // An option changes only the number.
    assert.deepEqual(options[2].change.edits, [{ path: TASKS, edits: [{ offset: TASKS_MD.indexOf('2.4_'), length: 3, newText: '2.3' }] }]);
  });

  test('no fix once requirements.md defines the number, or the reference is gone', async () => {
    const ws = await workspaceOf(SPEC);
    const d = unknown(ws).find(ofRef('4.3'))!;
    const defines = await workspaceOf({ [TASKS]: TASKS_MD, [REQUIREMENTS]: REQUIREMENTS_MD.replace('### Requirement 2', '### Requirement 4\n\n1. A\n2. B\n3. C\n\n### Requirement 2') });
    assert.deepEqual(fixesFor(d, defines.plan), []);
    const gone = await workspaceOf({ [TASKS]: TASKS_MD.replace('4.3, ', ''), [REQUIREMENTS]: REQUIREMENTS_MD });
    assert.deepEqual(fixesFor(d, gone.plan), []);
    const noRequirements = await workspaceOf({ [TASKS]: TASKS_MD });
    assert.deepEqual(fixesFor(d, noRequirements.plan), []);
  });

  test('every other requirement already named: no choice to offer, only the removal', async () => {
    const ws = await workspaceOf({ [TASKS]: base.replace('REF', '1, 1.1, 1.2, 2, 2.1, 2.2, 2.3, 9'), [REQUIREMENTS]: REQUIREMENTS_MD });
    assert.deepEqual(fixesFor(unknown(ws)[0], ws.plan).map((f) => f.title), ['Remove the reference to requirement 9']);
  });

  test('lines above the reference added since the diagnostic: the fix still finds it', async () => {
    const ws = await workspaceOf(SPEC);
    const d = unknown(ws).find(ofRef('4.3'))!;
    const longer = TASKS_MD.replace('# Implementation Plan\n', '# Implementation Plan\n\nIntro.\n');
    const moved = await workspaceOf({ [TASKS]: longer, [REQUIREMENTS]: REQUIREMENTS_MD });
    const remove = fixesFor(d, moved.plan)[0];
    assert.equal(applied(moved.files, remove.change).get(TASKS), longer.replace('1.1, 4.3, 1.2', '1.1, 1.2'));
  });
});

describe('requirement-unknown: property', () => {
  const defined = ['1', '1.1', '1.2', '2', '2.1', '2.2', '2.3'];
  const refArb = fc.constantFrom(...defined, '4.3', '9', '2.4', '10.1');
  const separatorArb = fc.constantFrom(', ', ',', '; ', ' , ', ',  ');
  const wrapArb = fc.constantFrom(['_', '_'], ['', ''], ['*', '*'], ['**', '**']);

  test('removing an unknown reference leaves the others, in order, and the rest of the file as it was', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(refArb, { minLength: 1, maxLength: 5 }), separatorArb, wrapArb, fc.boolean(), async (refs, separator, [open, close], crlf) => {
        const eol = crlf ? toCrlf : (t: string) => t;
        const lines = ['- [ ] 1. A', `  - ${open}Requirements: ${refs.join(separator)}${close}`, '  - Notes', ''];
        const text = eol(lines.join('\n'));
        const ws = await workspaceOf({ [TASKS]: text, [REQUIREMENTS]: REQUIREMENTS_MD });
        const found = unknown(ws);
        assert.equal(found.length, refs.filter((r) => !defined.includes(r)).length);
        for (const d of found) {
          const ref = (d.data as RequirementData).ref;
          const at = refs.findIndex((r, i) => r === ref && kiroRequirementRefs(text)[i].range.column === d.range.column);
          const remove = fixesFor(d, ws.plan)[0];
          const after = applied(ws.files, remove.change).get(TASKS)!;
          const left = refs.filter((_, i) => i !== at);
          assert.deepEqual(kiroRequirementRefs(after).map((r) => r.ref), left);
          if (left.length === 0) assert.equal(after, eol(['- [ ] 1. A', '  - Notes', ''].join('\n')));
          else assert.equal(after.split('\n').length, text.split('\n').length);
          assert.ok(after.startsWith(eol('- [ ] 1. A\n')) && after.endsWith(eol('  - Notes\n')));
        }
      }),
      { numRuns: 60 },
    );
  });
});
