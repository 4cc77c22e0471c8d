import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_QUESTIONS,
  PrdBodyFilter,
  STANDARD_QUESTIONS,
  incompleteMarker,
  isIncompleteDraft,
  prdFromAnswers,
  prdHeader,
  readInterview,
  titleFromIdea,
  WRITING_MARKER,
} from '../../src/core/claude/prdWriting';
import { parsePrd } from '../../src/core/parse/prdParser';

/** Feeds a text to the filter in pieces of `size`, as a stream would. */
function streamed(text: string, size: number): string {
  const filter = new PrdBodyFilter();
  let out = '';
  for (let i = 0; i < text.length; i += size) out += filter.push(text.slice(i, i + size));
  const end = filter.finish();
  out += end.append;
  return end.dropEnd > 0 ? out.slice(0, out.length - end.dropEnd) : out;
}

describe('New PRD: the interview', () => {
  test("the model's questions are read, blank and repeated ones dropped, and made up to four from the standard ones", () => {
    const read = readInterview(JSON.stringify({ title: '  Team   Calendar ', questions: ['Who uses it?', '  who uses it? ', '', 'What must it sync with?'] }), 'a calendar');
    assert.ok('interview' in read);
    assert.equal(read.interview.title, 'Team Calendar');
    assert.deepEqual(read.interview.questions.map((q) => q.question), ['Who uses it?', 'What must it sync with?', STANDARD_QUESTIONS[0].question, STANDARD_QUESTIONS[1].question]);
  });

  test('more than six questions are cut to six; a title with no letters falls back to the idea', () => {
    const questions = Array.from({ length: 9 }, (_, i) => `Question ${i + 1}?`);
    const read = readInterview(JSON.stringify({ title: '!!!', questions }), 'shared calendar for teams that shows who is out.');
    assert.ok('interview' in read);
    assert.equal(read.interview.questions.length, MAX_QUESTIONS);
    assert.equal(read.interview.title, 'Shared calendar for teams that shows');
  });

  test('an answer that is not the JSON asked for is a problem, not an interview', () => {
    assert.deepEqual(readInterview('Sure! Here are my questions:', 'x'), { problem: 'The answer was not the JSON asked for.' });
    assert.deepEqual(readInterview('{"title":"X"}', 'x'), { problem: 'The answer has no list of questions.' });
    assert.equal(titleFromIdea('  a   tool. '), 'A tool');
  });
});

describe('New PRD: the streamed body', () => {
  const body = '## Problem Statement\n\nTeams lose track.\n\n## Target Users\n\n- Leads\n';

  test('plain markdown passes through unchanged, whatever the pieces', () => {
    for (const size of [1, 3, 7, 1000]) assert.equal(streamed(body, size), body, `pieces of ${size}`);
  });

  test("the model's own title heading and leading blank lines are dropped", () => {
    for (const size of [1, 5, 1000]) assert.equal(streamed(`\n\n# PRD: Team Calendar\n\n${body}`, size), body);
  });

  test('a fence around the whole document is dropped at both ends; a fence inside it stays', () => {
    const inner = `${body}\n\`\`\`sh\nnpm test\n\`\`\`\n`;
    for (const size of [1, 4, 1000]) {
      assert.equal(streamed(`\`\`\`markdown\n${body}\`\`\`\n`, size), body);
      assert.equal(streamed(inner, size), inner);
    }
  });

  test('a stream that ends within its first line keeps that line', () => {
    assert.equal(streamed('Only a line', 3), 'Only a line');
    assert.equal(streamed('# Just a title', 3), '');
  });
});

describe('New PRD: the file', () => {
  const now = '2026-12-02T08:00:00Z';

  test('without a model, the template is filled with the answers, and the PRD parses with its sections', () => {
    const answers = STANDARD_QUESTIONS.map((q, i) => ({ question: q.question, answer: `Answer ${i + 1}`, ...(q.section ? { section: q.section } : {}) }));
    for (const layout of ['single-file', 'directory'] as const) {
      const text = prdFromAnswers(layout, 'Team Calendar', '004', now, 'A calendar for teams.', answers);
      assert.ok(text.startsWith(prdHeader(layout, 'Team Calendar', '004', now)));
      const { prd, diagnostics } = parsePrd(layout === 'single-file' ? 'prds/prd-004-team-calendar.md' : '.claude/prds/team-calendar.md', text);
      assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), []);
      assert.equal(prd.title, 'Team Calendar');
      assert.match(text, /## Problem Statement\n\nA calendar for teams\.\n\n## Target Users\n\nAnswer 1\n/);
      assert.match(text, /## Timeline\n\nAnswer 4\n\n## Dependencies\n\nAnswer 5\n/);
      assert.equal(isIncompleteDraft(text), false);
    }
    assert.equal(prdHeader('single-file', 'Team Calendar', '004', now), '# PRD-004: Team Calendar\n\n**Created:** 2026-12-02\n**Status:** Draft\n\n');
  });

  test('both markers mark a draft incomplete, on their own line only', () => {
    assert.equal(isIncompleteDraft(`# PRD\n\n${WRITING_MARKER}\n`), true);
    assert.equal(isIncompleteDraft(`# PRD\r\n\r\n${incompleteMarker('the writing was cancelled.')}\r\n`), true);
    assert.equal(isIncompleteDraft('# PRD\n\nWe quote "> **Incomplete draft:**" here.\n'), false);
    assert.match(incompleteMarker('it  failed.'), /^> \*\*Incomplete draft:\*\* it failed\. The PRD stops/);
  });
});
