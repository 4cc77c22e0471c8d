// Review Epic: what Claude is asked, how each finding is placed on a line of the plan
// (tasks named in other spellings, the PRD quoted loosely), every answer that cannot be
// read, and the report, over the examples in both layouts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { LocatedFinding, Review, ReviewFinding } from '../../src/core/claude/reviewEpic';
import { readReview, REVIEW_KINDS, REVIEW_SCHEMA, reviewMarkdown, reviewRequest } from '../../src/core/claude/reviewEpic';
import type { Epic, Prd } from '../../src/core/model';
import { PlanIndex } from '../../src/core/planIndex';
import { examplesDir, filesOf, MemoryFileSystem, toCrlf } from './helpers';

const SINGLE = 'epics/epic-001-link-shortener.md';
const SINGLE_PRD = 'prds/prd-001-link-shortener.md';
const CALENDAR = '.claude/epics/team-calendar';
const CALENDAR_PRD = '.claude/prds/team-calendar.md';

interface Plans {
  readonly files: Map<string, string>;
  readonly index: PlanIndex;
}

async function plansOf(files: Map<string, string>): Promise<Plans> {
  const index = new PlanIndex(new MemoryFileSystem(files));
  await index.build();
  return { files, index };
}

const examples = plansOf(filesOf(examplesDir));

function epicAt(plans: Plans, path: string): Epic {
  const epic = plans.index.allEpics.find((e) => e.path === path);
  assert.ok(epic, `no epic at ${path}`);
  return epic;
}

function prdAt(plans: Plans, path: string): Prd {
  const prd = plans.index.prds.find((p) => p.path === path);
  assert.ok(prd, `no PRD at ${path}`);
  return prd;
}

async function single(files?: Map<string, string>) {
  const plans = files ? await plansOf(files) : await examples;
  return { epic: epicAt(plans, SINGLE), prd: prdAt(plans, SINGLE_PRD), prdText: plans.files.get(SINGLE_PRD)!, plans };
}

async function calendar() {
  const plans = await examples;
  return { epic: epicAt(plans, `${CALENDAR}/epic.md`), prd: prdAt(plans, CALENDAR_PRD), prdText: plans.files.get(CALENDAR_PRD)!, plans };
}

function textsOf(plans: Plans, epic: Epic): Map<string, string> {
  const texts = new Map<string, string>();
  for (const path of [epic.path, ...epic.tasks.map((t) => t.path)]) if (plans.files.has(path)) texts.set(path, plans.files.get(path)!);
  return texts;
}

/** The 0-based line of the first line of `text` that holds `words`. */
function lineOf(text: string, words: string): number {
  const offset = text.indexOf(words);
  assert.notEqual(offset, -1, `${JSON.stringify(words)} is not in the text`);
  return text.slice(0, offset).split('\n').length - 1;
}

function finding(overrides: Partial<ReviewFinding>): ReviewFinding {
  return { kind: 'other', severity: 'warning', task: '', requirement: '', message: 'Something to change.', ...overrides };
}

function answerOf(findings: readonly ReviewFinding[], summary = 'The epic covers most of the PRD.'): string {
  return JSON.stringify({ summary, findings });
}

type Target = Parameters<typeof readReview>[2];

function reviewOf(findings: readonly ReviewFinding[], target: Target): Review {
  const read = readReview(answerOf(findings), 'end_turn', target);
  assert.ok(read.ok, read.ok ? '' : read.problems.join('\n'));
  return read.review;
}

function onlyFinding(f: Partial<ReviewFinding>, target: Target): LocatedFinding & { notes: readonly string[] } {
  const review = reviewOf([finding(f)], target);
  assert.equal(review.findings.length, 1);
  return { ...review.findings[0], notes: review.notes };
}

function problemsOf(text: string, stopReason: string | undefined, target: Target): readonly string[] {
  const read = readReview(text, stopReason, target);
  assert.ok(!read.ok, 'the answer was read');
  assert.ok(!('review' in read));
  return read.problems;
}

describe('the schema', () => {
  test('is frozen all the way down', () => {
    const frozen = (value: unknown): boolean =>
      value === null || typeof value !== 'object' || (Object.isFrozen(value) && Object.values(value).every(frozen));
    assert.ok(frozen(REVIEW_SCHEMA));
  });

  test('keeps to what structured outputs accept: every object closed with every property required, no length, range, pattern or format keywords', () => {
    const banned = ['minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'pattern', 'format', 'minItems', 'maxItems', 'multipleOf', 'uniqueItems'];
    const walk = (node: unknown, where: string) => {
      if (node === null || typeof node !== 'object') return;
      const schema = node as Record<string, unknown>;
      for (const keyword of banned) assert.ok(!(keyword in schema), `${where} uses ${keyword}`);
      if (schema.type === 'object') {
        assert.equal(schema.additionalProperties, false, `${where} is not closed`);
        assert.deepEqual([...(schema.required as string[])].sort(), Object.keys(schema.properties as object).sort(), `${where} leaves a property optional`);
      }
      for (const [key, child] of Object.entries(schema)) walk(child, `${where}/${key}`);
    };
    walk(REVIEW_SCHEMA, '#');
  });

  test('has the fields and kinds of a review', () => {
    const item = (REVIEW_SCHEMA.properties as Record<string, Record<string, Record<string, unknown>>>).findings.items as unknown as {
      properties: Record<string, { enum?: readonly string[] }>;
    };
    assert.deepEqual(Object.keys(item.properties), ['kind', 'severity', 'task', 'requirement', 'message']);
    assert.deepEqual(item.properties.kind.enum, ['uncovered-requirement', 'missing-criteria', 'suspicious-dependency', 'estimate', 'other']);
    assert.deepEqual(item.properties.severity.enum, ['warning', 'info']);
    assert.deepEqual([...REVIEW_KINDS], item.properties.kind.enum);
  });
});

describe('the request', () => {
  test('single file: the PRD and the epic in tagged blocks with their paths, the tasks by id in the prompt, the schema', async () => {
    const { epic, prd, prdText, plans } = await single();
    const request = reviewRequest({ epic, epicTexts: textsOf(plans, epic), prd, prdText });
    assert.ok(request.context.startsWith(`<prd path="${SINGLE_PRD}">\n${prdText.trimEnd()}\n</prd>`));
    assert.ok(request.context.includes(`<epic-file path="${SINGLE}">\n${plans.files.get(SINGLE)!.trimEnd()}\n</epic-file>`));
    assert.ok(request.context.indexOf('<prd ') < request.context.indexOf('<epic-file '), 'the PRD comes first');
    assert.equal(request.schema, REVIEW_SCHEMA);
    assert.match(request.prompt, /Review the epic "Link Shortener Service" \(epics\/epic-001-link-shortener\.md\) against the PRD above \(prds\/prd-001-link-shortener\.md: "Link Shortener Service"\)/);
    for (const task of epic.tasks) assert.ok(request.prompt.includes(`- ${task.id} ${JSON.stringify(task.title)}`), `${task.id} is not listed`);
    for (const kind of REVIEW_KINDS) assert.ok(request.system.includes(`"${kind}"`), `the system prompt does not say what ${kind} means`);
    assert.match(request.system, /task is one of the epic's task ids/);
    assert.ok(!request.context.includes('Review the epic'), 'the context holds only the documents');
  });

  test("directory layout: epic.md first, then each task file in plan order; another file given goes last; the same context on every call", async () => {
    const { epic, prd, prdText, plans } = await calendar();
    const texts = textsOf(plans, epic);
    const request = reviewRequest({ epic, epicTexts: texts, prd, prdText });
    const paths = [...request.context.matchAll(/<epic-file path="([^"]+)">/g)].map((m) => m[1]);
    assert.deepEqual(paths, [`${CALENDAR}/epic.md`, ...['41', '42', '43', '44', '45', '46'].map((n) => `${CALENDAR}/${n}.md`)]);
    assert.ok(request.context.includes(plans.files.get(`${CALENDAR}/44.md`)!.trimEnd()));
    assert.ok(request.context.startsWith(`<prd path="${CALENDAR_PRD}">`));
    assert.match(request.prompt, /- 44 "Week view" \(\.claude\/epics\/team-calendar\/44\.md\)/);

    // Given in another order, with CRLF line breaks and a byte-order mark: the same context, for the prompt cache.
    const shuffled = new Map([...texts].reverse().map(([path, text]) => [path, '\uFEFF' + toCrlf(text)] as const));
    const again = reviewRequest({ epic, epicTexts: shuffled, prd, prdText: toCrlf(prdText) });
    assert.equal(again.context, request.context);
    assert.equal(again.prompt, request.prompt);
    assert.equal(again.system, request.system);

    const extra = reviewRequest({ epic, epicTexts: new Map([...texts, [`${CALENDAR}/github-mapping.md`, 'mapping']]), prd, prdText });
    assert.ok(extra.context.endsWith(`<epic-file path="${CALENDAR}/github-mapping.md">\nmapping\n</epic-file>`));
  });

  test('without a PRD: no PRD block, and the prompt asks for no uncovered requirements', async () => {
    const { epic, plans } = await single();
    const request = reviewRequest({ epic, epicTexts: textsOf(plans, epic) });
    assert.ok(!request.context.includes('<prd'));
    assert.ok(request.context.startsWith(`<epic-file path="${SINGLE}">`));
    assert.match(request.prompt, /on its own/);
    assert.match(request.prompt, /report no uncovered requirements/);
    // A PRD known but its text blank counts as none.
    const blank = reviewRequest({ epic, epicTexts: textsOf(plans, epic), prd: prdAt(plans, SINGLE_PRD), prdText: '  \n' });
    assert.ok(!blank.context.includes('<prd'));
  });

  test('a path with a quote or an angle bracket cannot end its tag early', async () => {
    const { epic } = await single();
    const request = reviewRequest({ epic: { ...epic, path: 'epics/a"b<c.md', tasks: [] }, epicTexts: new Map([['epics/a"b<c.md', '# Epic']]) });
    assert.ok(request.context.startsWith('<epic-file path="epics/a&quot;b&lt;c.md">'));
  });
});

describe('placing a finding on a task', () => {
  test('the id as the epic writes it, and in any other spelling of it', async () => {
    const { epic, prd, prdText } = await single();
    const t3 = epic.tasks.find((t) => t.id === 'T3')!;
    for (const written of ['T3', 't3', 'T03', '3', 'Task 3', 'task-03', 'T 3', ' T3 ', '"T3"', '`T3`', 'T3: Link table and slug generator', 'T3 (Link table)', '#103']) {
      const f = onlyFinding({ kind: 'missing-criteria', task: written }, { epic, prd, prdText });
      assert.equal(f.path, SINGLE, written);
      assert.equal(f.line, t3.range.line, written);
      assert.equal(f.taskId, 'T3', written);
      assert.equal(f.message, 'Something to change.', written);
      assert.deepEqual(f.notes, [], written);
    }
    // T10 is not T1: the number is read whole.
    assert.equal(onlyFinding({ task: 't10' }, { epic }).taskId, 'T10');
  });

  test('directory layout: the file number, padded or prefixed, or the issue URL', async () => {
    const { epic, prd, prdText } = await calendar();
    for (const written of ['43', '043', '#43', 'T43', 'Task 43', 'https://github.com/acme/calendar/issues/43']) {
      const f = onlyFinding({ kind: 'estimate', task: written }, { epic, prd, prdText });
      assert.equal(f.path, `${CALENDAR}/43.md`, written);
      assert.equal(f.line, epic.tasks.find((t) => t.id === '43')!.range.line, written);
      assert.equal(f.taskId, '43', written);
    }
  });

  test('a task that is not in the epic: at the epic\'s title, the message saying so, and a note', async () => {
    const { epic, prd, prdText } = await single();
    const f = onlyFinding({ kind: 'suspicious-dependency', task: 'T99', message: 'T99 waits for nothing.' }, { epic, prd, prdText });
    assert.equal(f.path, SINGLE);
    assert.equal(f.line, epic.range.line);
    assert.equal(f.taskId, undefined);
    assert.equal(f.message, '(names T99, which is not a task of this epic) T99 waits for nothing.');
    assert.equal(f.notes.length, 1);
    assert.match(f.notes[0], /T99, which is not a task of epic-001-link-shortener/);

    const words = onlyFinding({ task: 'the redirect tasks' }, { epic });
    assert.equal(words.message, '(names "the redirect tasks", which is not a task of this epic) Something to change.');
    assert.equal(words.line, epic.range.line);
  });

  test('a number two tasks share is not guessed', async () => {
    const files = new Map([
      ['.claude/epics/twins/epic.md', '---\nname: twins\nstatus: open\n---\n\n# Epic: twins\n'],
      ['.claude/epics/twins/001.md', '---\nname: First\nstatus: open\n---\n\n# Task: First\n'],
      ['.claude/epics/twins/1.md', '---\nname: Second\nstatus: open\n---\n\n# Task: Second\n'],
    ]);
    const plans = await plansOf(files);
    const epic = epicAt(plans, '.claude/epics/twins/epic.md');
    assert.deepEqual(epic.tasks.map((t) => t.id).sort(), ['001', '1']);
    const f = onlyFinding({ task: 'T01' }, { epic });
    assert.equal(f.taskId, undefined);
    assert.equal(f.path, epic.path);
    assert.match(f.message, /^\(names T01, which could be (001 or 1|1 or 001) of this epic\) /);
    // Written exactly, either is found.
    assert.equal(onlyFinding({ task: '001' }, { epic }).taskId, '001');
    assert.equal(onlyFinding({ task: '1' }, { epic }).taskId, '1');
  });

  test('no task and no requirement: the epic\'s title', async () => {
    const { epic, prd, prdText } = await calendar();
    const f = onlyFinding({ kind: 'other', message: 'The plan has no testing task.' }, { epic, prd, prdText });
    assert.equal(f.path, `${CALENDAR}/epic.md`);
    assert.equal(f.line, epic.range.line);
    assert.equal(f.taskId, undefined);
    assert.deepEqual(f.notes, []);
  });
});

describe("placing a finding on the PRD's words", () => {
  const uncovered = (requirement: string): Partial<ReviewFinding> => ({ kind: 'uncovered-requirement', requirement, message: 'No task serves it.' });

  test('quoted exactly as written', async () => {
    const { epic, prd, prdText } = await single();
    const f = onlyFinding(uncovered('As a marketer, I want a custom slug so that the link is memorable'), { epic, prd, prdText });
    assert.equal(f.path, SINGLE_PRD);
    assert.equal(f.line, lineOf(prdText, 'custom slug'));
    assert.equal(f.message, 'No task serves it.');
    assert.deepEqual(f.notes, []);
  });

  test('with other white space, other case, the bold markers and bullets left out or added, curly quotes and a full stop', async () => {
    const { epic, prd, prdText } = await single();
    const target = { epic, prd, prdText };
    const cases: Array<[string, string]> = [
      ['Runtime:   Node.js 20\n   with Fastify', '**Runtime:** Node.js 20'],
      ['**Storage:** PostgreSQL 16, Redis for the redirect cache', '**Storage:**'],
      ['- **Auth:** single sign-on through the company identity provider', '**Auth:**'],
      ['REDIRECTS ANSWER IN UNDER 20 MS', 'Redirects answer'],
      ['1. Click counts are visible within a minute.', 'Click counts are visible'],
      ['“As an admin, I want to disable a link that is being abused”', 'disable a link'],
      // Across a line break of the PRD: the line where the words start.
      ['leak campaign parameters and cannot be changed once printed', 'leak campaign'],
      // A part of a sentence, long enough to mean one place.
      ['click counts per day', 'click counts per day'],
      // Parts between ellipses: the first that is found.
      ['As a marketer, I want to change where a link points … after it is printed', 'change where a link points'],
      // A short quote matches a whole line only.
      ['Measuring', '### Measuring'],
    ];
    for (const [quote, words] of cases) {
      const f = onlyFinding(uncovered(quote), target);
      assert.equal(f.path, SINGLE_PRD, quote);
      assert.equal(f.line, lineOf(prdText, words), quote);
      assert.deepEqual(f.notes, [], quote);
    }
  });

  test("words that are not in the PRD: at the PRD's title, the message kept, a note", async () => {
    const { epic, prd, prdText } = await single();
    for (const quote of ['Links expire after thirty days', 'Auth', 'custom slug', 'Runtime: Node.js 18 with Express']) {
      const f = onlyFinding(uncovered(quote), { epic, prd, prdText });
      assert.equal(f.path, SINGLE_PRD, quote);
      assert.equal(f.line, prd.range.line, quote);
      assert.equal(f.message, 'No task serves it.', quote);
      assert.equal(f.notes.length, 1, quote);
      assert.ok(f.notes[0].includes(JSON.stringify(quote)), f.notes[0]);
      assert.match(f.notes[0], /which is not in prds\/prd-001-link-shortener\.md: it is shown at the PRD's title/);
    }
    // An empty quote is shown at the title too, without a note about words never given.
    const blank = onlyFinding(uncovered(''), { epic, prd, prdText });
    assert.equal(blank.line, prd.range.line);
    assert.deepEqual(blank.notes, []);
  });

  test('a PRD with CRLF line breaks and a byte-order mark: the same lines', async () => {
    const crlf = new Map([...filesOf(examplesDir)].map(([path, text]) => [path, '\uFEFF' + toCrlf(text)] as const));
    const { epic, prd, prdText } = await single(crlf);
    assert.ok(prdText.includes('\r\n'));
    const lf = (await single()).prdText;
    const f = onlyFinding(uncovered('Redis for the redirect cache'), { epic, prd, prdText });
    assert.equal(f.path, SINGLE_PRD);
    assert.equal(f.line, lineOf(lf, 'Redis for the redirect cache'));
    assert.equal(onlyFinding({ task: 't4' }, { epic, prd, prdText }).line, (await single()).epic.tasks[3].range.line);
  });

  test('directory layout: the PRD under .claude, below its frontmatter', async () => {
    const { epic, prd, prdText } = await calendar();
    const f = onlyFinding(uncovered('On-call rota import from the paging tool'), { epic, prd, prdText });
    assert.equal(f.path, CALENDAR_PRD);
    assert.equal(f.line, lineOf(prdText, 'On-call rota import'));
    // Words only the frontmatter has are still found there.
    assert.equal(onlyFinding(uncovered('a shared calendar of time off'), { epic, prd, prdText }).line, lineOf(prdText, 'description:'));
  });

  test('words in both the frontmatter and the body: the body', async () => {
    const files = new Map([
      ['prds/short.md', '---\nname: short\ndescription: Shorten links for marketing\nstatus: draft\n---\n\n# PRD: Short\n\n## Requirements\n\n- Shorten links for marketing\n'],
      ['epics/short.md', '# Epic: Short\n\n**PRD:** short\n\n## Tasks\n\n- [ ] **Task 1:** Build it\n'],
    ]);
    const plans = await plansOf(files);
    const epic = epicAt(plans, 'epics/short.md');
    const prd = prdAt(plans, 'prds/short.md');
    const f = onlyFinding(uncovered('shorten links for marketing'), { epic, prd, prdText: files.get('prds/short.md')! });
    assert.equal(f.line, 10);
  });

  test("an uncovered requirement with no PRD: at the epic's title, with a note", async () => {
    const { epic } = await single();
    const f = onlyFinding(uncovered('Public sign-up'), { epic });
    assert.equal(f.path, SINGLE);
    assert.equal(f.line, epic.range.line);
    assert.equal(f.notes.length, 1);
    assert.match(f.notes[0], /no PRD/);
    // A PRD without its text: the PRD's title.
    const { prd } = await single();
    assert.equal(onlyFinding(uncovered('Public sign-up'), { epic, prd }).line, prd.range.line);
  });

  test("another kind that quotes the PRD and names no task: the PRD's words; one that names a task: the task", async () => {
    const { epic, prd, prdText } = await single();
    const quoting = onlyFinding({ kind: 'other', requirement: 'QR code generation' }, { epic, prd, prdText });
    assert.equal(quoting.path, SINGLE_PRD);
    assert.equal(quoting.line, lineOf(prdText, 'QR code'));
    const both = onlyFinding({ kind: 'other', task: 'T7', requirement: 'QR code generation' }, { epic, prd, prdText });
    assert.equal(both.path, SINGLE);
    assert.equal(both.line, epic.tasks[6].range.line);
  });

  test('any line of the PRD, quoted with its white space changed, its case changed and its emphasis dropped, is found on a line that says the same', async () => {
    const { epic, prd, prdText } = await single();
    const lines = prdText.split('\n');
    const plain = (l: string) => l.replace(/^\s*(?:[-*+]|\d+[.)]|#+)\s+/, '').replace(/[*_`]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
    const candidates = lines.map((l, i) => ({ line: i, words: plain(l) })).filter((c) => c.words.length >= 12);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...candidates), fc.array(fc.constantFrom(' ', '  ', '\n', '\t'), { minLength: 1, maxLength: 8 }), fc.boolean(), async (c, spaces, upper) => {
        const words = c.words.split(' ');
        const quote = words.map((w, i) => (i === 0 ? w : spaces[i % spaces.length] + w)).join('');
        const f = onlyFinding(uncovered(upper ? quote.toUpperCase() : quote), { epic, prd, prdText });
        assert.equal(f.path, SINGLE_PRD);
        assert.ok(f.line <= c.line, `${quote} found at ${f.line}, after ${c.line}`);
        assert.ok(plain(lines.slice(f.line, c.line + 1).join(' ')).includes(c.words) || f.line === c.line);
      }),
      { numRuns: 100 },
    );
  });
});

describe('the findings of a review', () => {
  test('sorted by path then line, keeping the order of those on one line; exact repeats dropped, with a note', async () => {
    const { epic, prd, prdText } = await single();
    const review = reviewOf(
      [
        finding({ kind: 'estimate', task: 'T9', message: 'Three hours is short for a load test.' }),
        finding({ kind: 'uncovered-requirement', requirement: 'QR code generation', message: 'b' }),
        finding({ kind: 'missing-criteria', task: 'T2', message: 'No criteria.', severity: 'info' }),
        finding({ kind: 'estimate', task: 't9', message: 'Three hours is short for a load test.' }),
        finding({ kind: 'missing-criteria', task: 'T2', message: 'Another one.', severity: 'info' }),
        finding({ kind: 'other', message: 'No testing task.' }),
        finding({ kind: 'uncovered-requirement', requirement: 'As a marketer, I want a custom slug so that the link is memorable', message: 'a' }),
      ],
      { epic, prd, prdText },
    );
    assert.deepEqual(
      review.findings.map((f) => [f.path, f.line, f.message]),
      [
        [SINGLE, epic.range.line, 'No testing task.'],
        [SINGLE, epic.tasks[1].range.line, 'No criteria.'],
        [SINGLE, epic.tasks[1].range.line, 'Another one.'],
        [SINGLE, epic.tasks[8].range.line, 'Three hours is short for a load test.'],
        [SINGLE_PRD, lineOf(prdText, 'custom slug'), 'a'],
        [SINGLE_PRD, lineOf(prdText, 'QR code'), 'b'],
      ],
    );
    assert.deepEqual(review.notes, ['Finding 4 repeats an earlier one; it is left out.']);
    assert.equal(review.summary, 'The epic covers most of the PRD.');
  });

  test('messages on one line, trimmed; the summary trimmed; an empty list is a review with no findings', async () => {
    const { epic } = await single();
    const review = reviewOf([finding({ message: '  Split this task:\n  it is\tlarge.  ' })], { epic });
    assert.equal(review.findings[0].message, 'Split this task: it is large.');
    const empty = readReview(JSON.stringify({ summary: '  All good.\r\n', findings: [] }), 'end_turn', { epic });
    assert.ok(empty.ok);
    assert.deepEqual(empty.review, { summary: 'All good.', findings: [], notes: [] });
  });

  test('an answer in a ```json fence, or stopped at the token limit once it was whole, is read', async () => {
    const { epic } = await single();
    const fenced = readReview('```json\n' + answerOf([finding({ task: 'T1' })]) + '\n```\n', 'end_turn', { epic });
    assert.ok(fenced.ok);
    assert.equal(fenced.review.findings[0].taskId, 'T1');
    assert.ok(readReview(answerOf([]), 'max_tokens', { epic }).ok);
  });
});

describe('answers that cannot be read', () => {
  test('a refusal, with or without words', async () => {
    const { epic } = await single();
    assert.deepEqual(problemsOf('I would rather not.', 'refusal', { epic }), ['Claude declined to review this epic. It said: "I would rather not."']);
    assert.deepEqual(problemsOf('', 'refusal', { epic }), ['Claude declined to review this epic.']);
    // Even a whole review is not used when the model says it refused.
    assert.deepEqual(problemsOf(answerOf([]), 'refusal', { epic }).length, 1);
  });

  test('cut off at the token limit or by the context window', async () => {
    const { epic } = await single();
    const partial = answerOf([finding({ task: 'T1' })]).slice(0, 40);
    assert.match(problemsOf(partial, 'max_tokens', { epic })[0], /^The answer was cut off before the review was complete: it reached the most tokens/);
    assert.match(problemsOf(partial, 'model_context_window_exceeded', { epic })[0], /context window/);
  });

  test('empty, or not JSON, with the line and column', async () => {
    const { epic } = await single();
    assert.deepEqual(problemsOf('  \n', 'end_turn', { epic }), ['The answer is empty: Claude wrote no review.']);
    assert.deepEqual(problemsOf('{\n  "summary": "ok",\n  findings: []\n}', 'end_turn', { epic }), [
      'The answer is not valid JSON: at line 3, column 3, a property name in double quotes was expected but "f" was found.',
    ]);
    assert.deepEqual(problemsOf('Here is my review: it is fine.', 'end_turn', { epic }), [
      'The answer is not valid JSON: at line 1, column 1, a value was expected but "H" was found.',
    ]);
  });

  test('JSON of another shape: each problem in words', async () => {
    const { epic } = await single();
    assert.deepEqual(problemsOf('[]', 'end_turn', { epic }), ['The answer is not a review: it should be a JSON object with a summary and a list of findings, not a list.']);
    assert.deepEqual(problemsOf('{"findings": []}', 'end_turn', { epic }), ['The review has no summary.']);
    assert.deepEqual(problemsOf('{"summary": "x", "findings": [], "score": 3}', 'end_turn', { epic }), ['The review has a property that is not part of a review: "score".']);
    assert.deepEqual(problemsOf('{"summary": "x", "findings": {}}', 'end_turn', { epic }), ['The list of findings (findings) of the review should be a list, not an object.']);
    const problems = problemsOf(
      JSON.stringify({
        summary: 'x',
        findings: [
          { kind: 'bug', severity: 'error', task: 3, requirement: '', message: 'a' },
          { kind: 'other', severity: 'info', requirement: '', message: 'b', extra: true },
          'a finding',
        ],
      }),
      'end_turn',
      { epic },
    );
    assert.deepEqual(problems, [
      'The kind of finding 1 should be one of "uncovered-requirement", "missing-criteria", "suspicious-dependency", "estimate" or "other", not the text "bug".',
      'The severity of finding 1 should be one of "warning" or "info", not the text "error".',
      'The task of finding 1 should be text, not the number 3.',
      'Finding 2 has no task.',
      'Finding 2 has a property that is not part of a finding: "extra".',
      'Finding 3 should be an object, not the text "a finding".',
    ]);
  });

  test('a blank message', async () => {
    const { epic } = await single();
    assert.deepEqual(problemsOf(answerOf([finding({ task: 'T1' }), finding({ message: ' \n\t' }), finding({ message: '' })]), 'end_turn', { epic }), [
      'Finding 2 has a blank message.',
      'Finding 3 has a blank message.',
    ]);
  });
});

describe('the report', () => {
  test('the title, the summary, the findings by kind, each linked to its line', async () => {
    const { epic, prd, prdText } = await single();
    const review = reviewOf(
      [
        finding({ kind: 'estimate', task: 'T9', message: 'Three hours is short for a load test.', severity: 'info' }),
        finding({ kind: 'uncovered-requirement', requirement: 'I want a custom slug', message: 'No task lets a marketer choose the slug.' }),
        finding({ kind: 'missing-criteria', task: 'T2', message: 'No acceptance criteria.' }),
        finding({ kind: 'other', task: 'T99', message: 'Drop it.', severity: 'info' }),
      ],
      { epic, prd, prdText },
    );
    const markdown = reviewMarkdown(review, epic, prd);
    const slug = lineOf(prdText, 'custom slug') + 1;
    const t2 = epic.tasks[1].range.line + 1;
    const t9 = epic.tasks[8].range.line + 1;
    assert.equal(
      markdown,
      [
        '# Review of Link Shortener Service',
        '',
        `[${SINGLE}](${SINGLE}) reviewed against [Link Shortener Service](${SINGLE_PRD}).`,
        '',
        'The epic covers most of the PRD.',
        '',
        '4 findings: 2 warnings, 2 info.',
        '',
        '## Requirements without a task',
        '',
        `- Warning: [${SINGLE_PRD}:${slug}](${SINGLE_PRD}#L${slug}) No task lets a marketer choose the slug.`,
        '',
        '## Tasks without acceptance criteria',
        '',
        `- Warning: [${SINGLE}:${t2}](${SINGLE}#L${t2}) **T2** Provision PostgreSQL and Redis: No acceptance criteria.`,
        '',
        '## Estimates',
        '',
        `- Info: [${SINGLE}:${t9}](${SINGLE}#L${t9}) **T9** Load test the redirect path: Three hours is short for a load test.`,
        '',
        '## Other findings',
        '',
        `- Info: [${SINGLE}:1](${SINGLE}#L1) (names T99, which is not a task of this epic) Drop it.`,
        '',
      ].join('\n'),
    );
  });

  test('no findings, no PRD', async () => {
    const { epic } = await calendar();
    const markdown = reviewMarkdown({ summary: 'Nothing to change.', findings: [], notes: [] }, epic);
    assert.equal(markdown, `# Review of team-calendar\n\n[${CALENDAR}/epic.md](${CALENDAR}/epic.md) reviewed, without a PRD.\n\nNothing to change.\n\nNo findings.\n`);
  });

  test('paths with spaces and brackets stay links', async () => {
    const { epic } = await single();
    const odd = { ...epic, path: 'epics/my plan (v2).md', tasks: [] };
    const markdown = reviewMarkdown({ summary: '', findings: [{ kind: 'other', severity: 'warning', message: 'x', path: 'epics/my plan (v2).md', line: 4 }], notes: [] }, odd);
    assert.ok(markdown.includes('- Warning: [epics/my plan (v2).md:5](epics/my%20plan%20%28v2%29.md#L5) x'), markdown);
  });
});
