import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Epic, Prd } from '../../src/core/model';
import { belongsToSomePrd, epicBelongsToPrd, epicsOfPrd, prdOfEpic, prdProgress } from '../../src/core/progress';
import { fileStem } from '../../src/core/text';

/** The matching rule as it was written before the lookups: the oracle they must agree with. */
function oldPredicate(epic: Epic, prd: Prd): boolean {
  if (epic.prd === undefined) return false;
  const ref = epic.prd.trim().replace(/^\.?\//, '');
  const lower = ref.toLowerCase();
  return (
    lower === prd.id.toLowerCase() ||
    fileStem(ref).toLowerCase() === fileStem(prd.path).toLowerCase() ||
    prd.path.toLowerCase().endsWith(lower) ||
    (/^prd[-\s]?\d+$/i.test(ref) && lower.replace(/\s/, '-') === prd.id.toLowerCase())
  );
}

function prdOf(id: string, path: string): Prd {
  return { kind: 'prd', id, title: id, state: 'not-started', path, metadata: {}, sections: [], range: { line: 0, column: 0, endLine: 0, endColumn: 0 } };
}

function epicOf(id: string, prd: string | undefined): Epic {
  return { kind: 'epic', id, title: id, layout: 'directory', path: `.claude/epics/${id}/epic.md`, state: 'not-started', prd, tasks: [] } as unknown as Epic;
}

// Names built from the pieces plan files use, so that the generated references collide
// with the generated PRDs often: ids, stems, path ends, `PRD 7` forms, case and spaces.
const piece = fc.constantFrom('prd', 'PRD', 'Prd', '-', ' ', '7', '07', '12', 'product', 'api', '.md', '/', './', '.claude/prds/', 'prds/', 'İ', '');
const numbered = fc.constantFrom('PRD-7', 'PRD 7', 'prd 7', 'prd7', 'PRD\t7', 'PRD-07', 'prd-12', 'PRD 12');
const name = fc.oneof(fc.array(piece, { maxLength: 5 }).map((parts) => parts.join('')), numbered);
const prds = fc.array(
  fc.record({ id: name, folder: fc.constantFrom('prds/', '.claude/prds/', 'plans/', ''), stem: name, ext: fc.constantFrom('.md', '.MD', '') }),
  { maxLength: 6 },
).map((list) => list.map((p, i) => prdOf(p.id || `prd-${i}`, `${p.folder}${p.stem}${p.ext}`)));
const refs = fc.array(fc.option(fc.oneof(name, name.map((n) => `  ${n} `), name.map((n) => `./${n}.md`)), { nil: undefined }), { maxLength: 8 });

test('the PRD lookups give exactly what the pairwise predicate gives', () => {
  fc.assert(
    fc.property(prds, refs, (prdList, refList) => {
      const epics = refList.map((ref, i) => epicOf(`epic-${i}`, ref));
      for (const prd of prdList) {
        const expected = epics.filter((e) => oldPredicate(e, prd));
        assert.deepEqual(epicsOfPrd(prd, epics), expected);
        assert.deepEqual(prdProgress(prd, epics).epicIds, expected.map((e) => e.id));
        for (const epic of epics) assert.equal(epicBelongsToPrd(epic, prd), oldPredicate(epic, prd), `${epic.prd} / ${prd.id} ${prd.path}`);
      }
      for (const epic of epics) {
        assert.equal(belongsToSomePrd(epic, prdList), prdList.some((p) => oldPredicate(epic, p)));
        // The first PRD that claims the epic, as a report names it.
        assert.equal(prdOfEpic(epic, prdList, epics), prdList.find((p) => oldPredicate(epic, p)));
      }
    }),
    { numRuns: 2000 },
  );
});

test('the PRD lookups on the shapes of real plans', () => {
  const prdList = [prdOf('PRD-001', 'prds/prd-001-link-shortener.md'), prdOf('team-calendar', '.claude/prds/team-calendar.md')];
  const epics = [
    epicOf('a', 'PRD-001'),
    epicOf('b', 'prd 001'),
    epicOf('c', '.claude/prds/team-calendar.md'),
    epicOf('d', 'team-calendar'),
    epicOf('e', 'link-shortener.md'),
    epicOf('f', 'nothing'),
    epicOf('g', undefined),
    epicOf('h', '   '),
  ];
  assert.deepEqual(epicsOfPrd(prdList[0], epics).map((e) => e.id), ['a', 'b', 'e', 'h']);
  assert.deepEqual(epicsOfPrd(prdList[1], epics).map((e) => e.id), ['c', 'd', 'h']);
  assert.deepEqual(epics.map((e) => belongsToSomePrd(e, prdList)), [true, true, true, true, true, false, false, true]);
});
