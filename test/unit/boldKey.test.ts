import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { metadataKey, parseBoldKeyLine } from '../../src/core/parse/common';

// The definition the hand-written scanner must keep to.
const REFERENCE = /^(?:\*\*|__)([^*_:][^*:]*?)\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:)\s*(.*)$/;

function reference(line: string): [string, string] | undefined {
  const match = REFERENCE.exec(line.trim());
  return match ? [metadataKey(match[1]), match[2].trim()] : undefined;
}

test('bold key lines: the common spellings', () => {
  assert.deepEqual(parseBoldKeyLine('**Status:** Draft'), ['status', 'Draft']);
  assert.deepEqual(parseBoldKeyLine('**Start Date**: 2025-01-10'), ['start_date', '2025-01-10']);
  assert.deepEqual(parseBoldKeyLine('__Based on__: PRD-001'), ['based_on', 'PRD-001']);
  assert.deepEqual(parseBoldKeyLine('  **Estimate:**   2 hours  '), ['estimate', '2 hours']);
  assert.deepEqual(parseBoldKeyLine('**depends_on:** 001'), ['depends_on', '001']);
  assert.equal(parseBoldKeyLine('**Bold** text'), undefined);
  assert.equal(parseBoldKeyLine('Status: Draft'), undefined);
  assert.equal(parseBoldKeyLine('**:** x'), undefined);
});

test('bold key lines: the scanner agrees with the regular-expression definition', () => {
  const piece = fc.constantFrom('**', '__', '*', '_', ':', ' ', '  ', '\t', 'Key', 'Start Date', 'a_b', 'x', '2', '#', '-', '*:', ':*', '**:', ':**');
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 9 }).map((parts) => parts.join('')), (line) => {
      assert.deepEqual(parseBoldKeyLine(line), reference(line));
    }),
    { numRuns: Number(process.env.BOLD_KEY_RUNS ?? 20000) },
  );
});
