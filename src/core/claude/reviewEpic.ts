/**
 * Review Epic: Claude reads an epic beside the PRD it is based on and says what is
 * wrong with it (requirements no task serves, tasks without acceptance criteria,
 * dependencies that look wrong, estimates out of line). This decides what is asked,
 * reads the answer, and places every finding on a line of the plan, so that the command
 * can show it in the Problems panel and in a report. Pure: the command reads the files
 * and asks the model.
 *
 * The model names a task as it likes (`t3`, `Task 3`, `T03`, `#43`) and quotes the PRD
 * loosely (other line breaks, no bold markers, a fragment of a sentence): both are
 * matched forgivingly, and what cannot be placed is shown at the epic's or the PRD's
 * title with a note, never dropped.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { newAjv } from '../ajvLoader';
import { canonicalKey, jsonBreak } from '../decompose/checkPlan';
import type { JsonSchema } from '../decompose/planSchema';
import { findFrontmatter } from '../frontmatter';
import type { Epic, Prd, Task } from '../model';
import { issueNumberFrom, numericId } from '../parse/common';
import { comparePaths, splitLines, stripBom } from '../text';
import { capitalised, describeValue, foundAt, pointerSegments, position, TYPE_WORDS, unfenced, wellFormed } from './answerText';

// ---------------------------------------------------------------------------------
// The answer's shape

export type ReviewKind = 'uncovered-requirement' | 'missing-criteria' | 'suspicious-dependency' | 'estimate' | 'other';
export type ReviewSeverity = 'warning' | 'info';

/** The kinds in the order the report lists them. */
export const REVIEW_KINDS: readonly ReviewKind[] = Object.freeze(['uncovered-requirement', 'missing-criteria', 'suspicious-dependency', 'estimate', 'other']);

/** One finding as Claude writes it. */
export interface ReviewFinding {
  readonly kind: ReviewKind;
  readonly severity: ReviewSeverity;
  /** The task's id as the epic writes it; empty when the finding is about no one task. */
  readonly task: string;
  /** For an uncovered requirement, the PRD's words; empty otherwise. */
  readonly requirement: string;
  readonly message: string;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

const text = (description: string) => ({ type: 'string', description });

// Frozen: the API request and the validator share this one object, and neither may change
// it for the other. Structured outputs take only a subset of JSON Schema (every object
// closed, every property required, no length, range or pattern keywords): blank messages
// are checked by hand.
export const REVIEW_SCHEMA: JsonSchema = deepFreeze({
  type: 'object',
  additionalProperties: false,
  required: ['summary', 'findings'],
  properties: {
    summary: text('What the review found, in one short paragraph.'),
    findings: {
      type: 'array',
      description: 'Each problem found, one per item; empty when the epic has none.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['kind', 'severity', 'task', 'requirement', 'message'],
        properties: {
          kind: { type: 'string', enum: [...REVIEW_KINDS], description: 'What sort of problem it is.' },
          severity: { type: 'string', enum: ['warning', 'info'], description: '"warning" for what should be fixed before the work starts, "info" for a suggestion.' },
          task: text('The id of the task the finding is about, exactly as the epic writes it (such as "T3" or "001"); empty when it is about no one task.'),
          requirement: text("For an uncovered requirement, the PRD's words for it, quoted exactly as the PRD writes them; empty for the other kinds."),
          message: text('What is wrong and what to change, in one or two sentences.'),
        },
      },
    },
  },
});

// ---------------------------------------------------------------------------------
// What is asked

export interface ReviewRequestInput {
  readonly epic: Epic;
  /** The text of the epic's files by path: the epic file, and in the directory layout each task file. */
  readonly epicTexts: ReadonlyMap<string, string>;
  /** The PRD the epic is based on, when there is one. */
  readonly prd?: Prd;
  readonly prdText?: string;
}

export interface ReviewRequest {
  readonly system: string;
  /** The PRD and the epic's files: the same text on every call over them, for the prompt cache. */
  readonly context: string;
  readonly prompt: string;
  readonly schema: JsonSchema;
}

const SYSTEM = [
  'You are a senior engineering lead reviewing an epic, a plan of tasks a small team works through, against the product requirements document (PRD) it is based on.',
  'The PRD and the files of the epic come first, each in a block that names its path; what to review is said after them.',
  'Report each problem as one finding of one of these kinds:',
  '"uncovered-requirement": a requirement, user story or success criterion of the PRD that no task of the epic serves; requirement quotes the PRD\'s words for it exactly as the PRD writes them (a phrase from one line is enough), and task is empty.',
  '"missing-criteria": a task with no acceptance criteria, or with criteria nobody could check.',
  '"suspicious-dependency": a dependency that looks wrong: one that is missing, not needed, the wrong way round or part of a circle; task is the task that waits.',
  '"estimate": an estimate out of line with the work the task describes or with the estimates of similar tasks, or a task with no estimate.',
  '"other": anything else worth changing before the work starts, such as a task for something the PRD puts out of scope, or a task too large for one person.',
  'severity is "warning" for what should be fixed before the work starts and "info" for a suggestion.',
  "task is one of the epic's task ids exactly as listed with the request, or empty when the finding is about no one task; requirement is empty for every kind but uncovered-requirement.",
  'message says what is wrong and what to change, in one or two sentences, without repeating the task id or the path.',
  'The summary says in one short paragraph how well the epic covers the PRD and what matters most.',
  'Report only real problems, each once; an epic without any gets an empty list of findings.',
  'Answer with the JSON review only.',
].join(' ');

function normalised(value: string): string {
  return stripBom(value).replace(/\r\n?/g, '\n').trimEnd();
}

function attribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** The epic file first, then the task files in plan order, then any other file given. */
function epicFileOrder(epic: Epic, texts: ReadonlyMap<string, string>): string[] {
  const first = [epic.path, ...epic.tasks.map((t) => t.path)].filter((p, i, all) => all.indexOf(p) === i && texts.has(p));
  const rest = [...texts.keys()].filter((p) => !first.includes(p)).sort(comparePaths);
  return [...first, ...rest];
}

function hasPrdText(prdText: string | undefined): prdText is string {
  return prdText !== undefined && prdText.trim() !== '';
}

export function reviewRequest(input: ReviewRequestInput): ReviewRequest {
  const { epic, prd, epicTexts } = input;
  const blocks: string[] = [];
  const withPrd = hasPrdText(input.prdText);
  if (withPrd) blocks.push(`<prd${prd ? ` path="${attribute(prd.path)}"` : ''}>\n${normalised(input.prdText!)}\n</prd>`);
  for (const path of epicFileOrder(epic, epicTexts)) blocks.push(`<epic-file path="${attribute(path)}">\n${normalised(epicTexts.get(path)!)}\n</epic-file>`);

  const title = epic.title === '' ? epic.id : epic.title;
  const against = withPrd ? `against the PRD above${prd ? ` (${prd.path}: ${JSON.stringify(prd.title)})` : ''}` : 'on its own';
  const tasks = epic.tasks.map((t) => `- ${t.id}${t.title === '' ? '' : ` ${JSON.stringify(t.title)}`} (${t.path})`);
  const prompt = [
    `Review the epic ${JSON.stringify(title)} (${epic.path}) ${against}.`,
    ...(withPrd
      ? []
      : ['There is no PRD for it to be checked against: report no uncovered requirements, and judge the tasks, their acceptance criteria, dependencies and estimates on their own.']),
    '',
    tasks.length === 0 ? 'The epic has no tasks.' : `Its tasks, by the ids a finding names them with:\n${tasks.join('\n')}`,
  ].join('\n');
  return { system: SYSTEM, context: blocks.join('\n\n'), prompt, schema: REVIEW_SCHEMA };
}

// ---------------------------------------------------------------------------------
// Reading the answer

export interface LocatedFinding {
  readonly kind: ReviewKind;
  readonly severity: ReviewSeverity;
  readonly message: string;
  /** The file the finding is shown in: the task's, the PRD's or the epic's. */
  readonly path: string;
  /** 0-based. */
  readonly line: number;
  /** The epic's id for the task the finding names, when it names one of them. */
  readonly taskId?: string;
}

export interface Review {
  readonly summary: string;
  /** Sorted by path, then line. */
  readonly findings: readonly LocatedFinding[];
  /** What could not be placed as the answer said, and what was left out, for the log. */
  readonly notes: readonly string[];
}

export interface ReviewTarget {
  readonly epic: Epic;
  readonly prd?: Prd;
  readonly prdText?: string;
}

export type ReviewRead = { readonly ok: true; readonly review: Review } | { readonly ok: false; readonly problems: readonly string[] };

// Compiled on first use, not on load: nothing runs at activation.
let validator: ValidateFunction | undefined;

function reviewValidator(): ValidateFunction {
  return (validator ??= newAjv().compile(REVIEW_SCHEMA));
}

function parseAnswer(answer: string, stopReason: string | undefined): { ok: true; value: unknown } | { ok: false; problems: string[] } {
  if (stopReason === 'refusal') {
    const said = answer.trim();
    const quote = said === '' ? '' : ` It said: ${JSON.stringify(said.length > 300 ? said.slice(0, 300) + '…' : said)}`;
    return { ok: false, problems: [`Claude declined to review this epic.${quote}`] };
  }
  const { json, start } = unfenced(answer);
  try {
    return { ok: true, value: JSON.parse(json) };
  } catch (error) {
    if (stopReason === 'max_tokens') {
      return { ok: false, problems: ['The answer was cut off before the review was complete: it reached the most tokens an answer may have. Allow more max tokens.'] };
    }
    if (stopReason === 'model_context_window_exceeded') {
      return { ok: false, problems: ["The answer was cut off before the review was complete: the PRD, the epic and the answer did not fit in the model's context window."] };
    }
    if (json.trim() === '') return { ok: false, problems: ['The answer is empty: Claude wrote no review.'] };
    const broken = jsonBreak(json);
    if (!broken) return { ok: false, problems: [`The answer is not valid JSON (${error instanceof Error ? error.message : String(error)}).`] };
    const { line, column } = position(answer, start + broken.offset);
    return { ok: false, problems: [`The answer is not valid JSON: at line ${line}, column ${column}, ${broken.expected} was expected but ${foundAt(json, broken.offset)}.`] };
  }
}

const REVIEW_LABELS: Readonly<Record<string, string>> = { summary: 'summary', findings: 'list of findings (findings)' };
const FINDING_LABELS: Readonly<Record<string, string>> = { kind: 'kind', severity: 'severity', task: 'task', requirement: 'requirement', message: 'message' };

function at(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** What a JSON pointer into the answer names, in words: `/findings/2/kind` is "the kind of finding 3". */
function subjectOf(path: readonly string[]): string {
  const [top, index, property] = path;
  if (path.length === 0) return 'the review';
  if (path.length === 1) return `the ${REVIEW_LABELS[top] ?? JSON.stringify(top)} of the review`;
  if (top === 'findings' && path.length === 2) return `finding ${Number(index) + 1}`;
  if (top === 'findings' && path.length === 3) return `the ${FINDING_LABELS[property] ?? JSON.stringify(property)} of finding ${Number(index) + 1}`;
  return `the value at ${path.join('/')}`;
}

function schemaProblem(value: unknown, error: ErrorObject): string {
  const path = pointerSegments(error.instancePath);
  const subject = subjectOf(path);
  const found = at(value, path);
  const labels = path.length === 0 ? REVIEW_LABELS : FINDING_LABELS;
  switch (error.keyword) {
    case 'required': {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      return capitalised(`${subject} has no ${labels[missing] ?? JSON.stringify(missing)}.`);
    }
    case 'additionalProperties': {
      const extra = String((error.params as { additionalProperty: string }).additionalProperty);
      return capitalised(`${subject} has a property that is not part of ${path.length === 0 ? 'a review' : 'a finding'}: ${JSON.stringify(extra)}.`);
    }
    case 'type': {
      if (path.length === 0) return `The answer is not a review: it should be a JSON object with a summary and a list of findings, not ${describeValue(found)}.`;
      const type = String((error.params as { type: string }).type);
      return capitalised(`${subject} should be ${TYPE_WORDS[type] ?? type}, not ${describeValue(found)}.`);
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: readonly unknown[] }).allowedValues.map((v) => JSON.stringify(v));
      return capitalised(`${subject} should be one of ${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}, not ${describeValue(found)}.`);
    }
    default:
      return capitalised(`${subject} does not fit the form of a review (${error.message ?? error.keyword}).`);
  }
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/g;

/** One line, as the Problems panel and a bullet of the report show it. */
function oneLine(value: string): string {
  return wellFormed(value).replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
}

/** A reference as a message shows it: bare when it is a plain word, quoted otherwise. */
function shown(ref: string): string {
  return /^[\p{L}\p{N}_.#-]+$/u.test(ref) ? ref : JSON.stringify(ref);
}

// ---------------------------------------------------------------------------------
// Finding the task a finding names

type TaskMatch = { readonly task: Task } | { readonly ambiguous: readonly Task[] } | undefined;

/**
 * The task a reference means: the id as written, in any case, then by number (`t3`,
 * `Task 03`, `#43`, `3` for `T3`; `1` for `001`), then an old number from before a sync,
 * then an issue number or URL. A number that two tasks share is ambiguous.
 */
function taskByRef(epic: Epic, ref: string): TaskMatch {
  const exact = epic.tasks.find((t) => t.id === ref);
  if (exact) return { task: exact };
  const folded = epic.tasks.filter((t) => t.id.toLowerCase() === ref.toLowerCase());
  if (folded.length === 1) return { task: folded[0] };
  if (folded.length > 1) return { ambiguous: folded };
  const n = numericId(canonicalKey(ref)) ?? issueNumberFrom(ref);
  if (n === undefined) return undefined;
  const byNumber = epic.tasks.filter((t) => numericId(t.id) === n);
  if (byNumber.length === 1) return { task: byNumber[0] };
  if (byNumber.length > 1) return { ambiguous: byNumber };
  const renamed = epic.renumbered?.[String(n)];
  const before = renamed === undefined ? undefined : epic.tasks.find((t) => t.id === renamed);
  if (before) return { task: before };
  const byIssue = epic.tasks.filter((t) => t.issue === n);
  if (byIssue.length === 1) return { task: byIssue[0] };
  return byIssue.length > 1 ? { ambiguous: byIssue } : undefined;
}

/** The written reference, then the reference without quotes around it, then what comes before a title after it (`T3: Link table`, `T3 (Link table)`). */
function refCandidates(written: string): string[] {
  const unquoted = written.replace(/^[`'"“‘]+|[`'"”’]+$/g, '').trim();
  const head = unquoted.split(/\s*(?:[:(,;]|\s[-–—]\s|\sand\s)/)[0].trim();
  return [written, unquoted, head].filter((c, i, all) => c !== '' && all.indexOf(c) === i);
}

function resolveTask(epic: Epic, written: string): TaskMatch {
  let ambiguous: TaskMatch;
  for (const candidate of refCandidates(written)) {
    const match = taskByRef(epic, candidate);
    if (match && 'task' in match) return match;
    ambiguous ??= match;
  }
  return ambiguous;
}

// ---------------------------------------------------------------------------------
// Finding the PRD's words a finding quotes

/** A quote shorter than this is matched only against a whole line: a few words are found everywhere. */
const MIN_PARTIAL_QUOTE = 12;

/** A line as words: no list marker, heading, quote marker, emphasis or link syntax, one space between words, lower case. */
function plainLine(line: string): string {
  return line
    .replace(/^\s*(?:>\s?)+/, '')
    .replace(/^\s*#{1,6}(?:\s+|$)/, '')
    .replace(/^\s*(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX-]\]\s+)?/, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`~]/g, '')
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/[–—]/g, '-')
    .replace(/\u00a0/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** The words a quote is searched for by: each part of it between ellipses, without the quotes or the full stop around it. */
function quoteParts(quote: string): string[] {
  const plain = splitLines(quote.replace(/\r/g, '\n'))
    .map(plainLine)
    .filter((l) => l !== '')
    .join(' ');
  return plain
    .split(/\s*(?:\.{3,}|…)\s*/)
    .map((part) => part.replace(/^["'\s]+|["'\s.,;:!?]+$/g, ''))
    .filter((part) => part !== '');
}

/** The PRD's text as one line of words, and where each of its lines starts in it. */
interface PlainText {
  readonly text: string;
  readonly lines: readonly { readonly line: number; readonly start: number; readonly plain: string }[];
  /** Lines of the frontmatter block, which a quote is found in only when the body lacks it. */
  readonly frontmatterEnd: number;
}

function plainTextOf(prdText: string): PlainText {
  const source = stripBom(prdText);
  const fm = findFrontmatter(source);
  const lines: { line: number; start: number; plain: string }[] = [];
  let text = '';
  splitLines(source).forEach((raw, line) => {
    const plain = plainLine(raw);
    if (plain === '') return;
    if (text !== '') text += ' ';
    lines.push({ line, start: text.length, plain });
    text += plain;
  });
  return { text, lines, frontmatterEnd: fm ? (fm.endLine === -1 ? fm.startLine : fm.endLine) : -1 };
}

function lineAt(plain: PlainText, offset: number): number {
  let found = plain.lines[0].line;
  for (const l of plain.lines) {
    if (l.start > offset) break;
    found = l.line;
  }
  return found;
}

/** The 0-based line of the PRD where the quote is, or undefined when it is not there. */
function quoteLine(plain: PlainText, quote: string): number | undefined {
  if (plain.lines.length === 0) return undefined;
  for (const part of quoteParts(quote)) {
    const hits: number[] = [];
    if (part.length >= MIN_PARTIAL_QUOTE) {
      for (let i = plain.text.indexOf(part); i !== -1; i = plain.text.indexOf(part, i + 1)) hits.push(lineAt(plain, i));
    } else {
      for (const l of plain.lines) if (l.plain.replace(/[\s.,;:!?]+$/, '') === part) hits.push(l.line);
    }
    const body = hits.find((line) => line > plain.frontmatterEnd);
    if (body !== undefined) return body;
    if (hits.length > 0) return hits[0];
  }
  return undefined;
}

// ---------------------------------------------------------------------------------
// Placing the findings

function listed(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

function locate(finding: ReviewFinding, n: number, target: ReviewTarget, plain: PlainText | undefined, notes: string[]): LocatedFinding {
  const { epic, prd } = target;
  const written = oneLine(finding.task);
  const requirement = finding.requirement.trim();
  let message = oneLine(finding.message);
  let taskId: string | undefined;
  let task: Task | undefined;
  if (written !== '') {
    const match = resolveTask(epic, written);
    if (match && 'task' in match) {
      task = match.task;
      taskId = task.id;
    } else if (match) {
      const ids = match.ambiguous.map((t) => t.id);
      message = `(names ${shown(written)}, which could be ${listed(ids)} of this epic) ${message}`;
      notes.push(`Finding ${n} names ${shown(written)}, which could be ${listed(ids)}: it is shown at the epic's title.`);
    } else {
      message = `(names ${shown(written)}, which is not a task of this epic) ${message}`;
      notes.push(`Finding ${n} names ${shown(written)}, which is not a task of ${epic.id}: it is shown at the epic's title.`);
    }
  }
  const base = { kind: finding.kind, severity: finding.severity, message, ...(taskId === undefined ? {} : { taskId }) };
  const quoted = requirement !== '' && plain ? quoteLine(plain, requirement) : undefined;

  if (finding.kind === 'uncovered-requirement') {
    if (prd && quoted !== undefined) return { ...base, path: prd.path, line: quoted };
    if (prd) {
      if (requirement !== '') notes.push(`Finding ${n} quotes ${JSON.stringify(oneLine(requirement))}, which is not in ${prd.path}: it is shown at the PRD's title.`);
      return { ...base, path: prd.path, line: prd.range.line };
    }
    notes.push(`Finding ${n} is a requirement without a task, but there is no PRD to find it in: it is shown at the epic's title.`);
    return { ...base, path: epic.path, line: epic.range.line };
  }
  if (task) return { ...base, path: task.path, line: task.range.line };
  if (prd && quoted !== undefined) return { ...base, path: prd.path, line: quoted };
  return { ...base, path: epic.path, line: epic.range.line };
}

function sameFinding(a: LocatedFinding, b: LocatedFinding): boolean {
  return a.kind === b.kind && a.severity === b.severity && a.message === b.message && a.path === b.path && a.line === b.line && a.taskId === b.taskId;
}

/**
 * Claude's review as the API returned it: its text and why it stopped. A refusal, an
 * answer cut off at the token limit, text that is not JSON, an answer of another shape
 * and a finding with a blank message each get their own problem, and then there is no
 * review: nothing half-read is shown.
 */
export function readReview(text: string, stopReason: string | undefined, target: ReviewTarget): ReviewRead {
  const parsed = parseAnswer(text, stopReason);
  if (!parsed.ok) return parsed;
  const { value } = parsed;
  const validate = reviewValidator();
  if (!validate(value)) return { ok: false, problems: [...new Set((validate.errors ?? []).map((e) => schemaProblem(value, e)))] };
  const answer = value as { summary: string; findings: ReviewFinding[] };

  const problems = answer.findings.flatMap((f, i) => (oneLine(f.message) === '' ? [`Finding ${i + 1} has a blank message.`] : []));
  if (problems.length > 0) return { ok: false, problems };

  const notes: string[] = [];
  const plain = target.prd && hasPrdText(target.prdText) ? plainTextOf(target.prdText) : undefined;
  const located: LocatedFinding[] = [];
  answer.findings.forEach((finding, i) => {
    const found = locate(finding, i + 1, target, plain, notes);
    const earlier = located.findIndex((f) => sameFinding(f, found));
    if (earlier === -1) located.push(found);
    else notes.push(`Finding ${i + 1} repeats an earlier one; it is left out.`);
  });
  // Array sort is stable: findings on one line keep the order Claude gave them.
  located.sort((a, b) => comparePaths(a.path, b.path) || a.line - b.line);
  return { ok: true, review: { summary: wellFormed(answer.summary).replace(CONTROL, ' ').replace(/\r\n?/g, '\n').trim(), findings: located, notes: [...new Set(notes)] } };
}

// ---------------------------------------------------------------------------------
// The report

const KIND_HEADINGS: Readonly<Record<ReviewKind, string>> = {
  'uncovered-requirement': 'Requirements without a task',
  'missing-criteria': 'Tasks without acceptance criteria',
  'suspicious-dependency': 'Suspicious dependencies',
  estimate: 'Estimates',
  other: 'Other findings',
};

function linkText(value: string): string {
  return value.replace(/([\\[\]])/g, '\\$1');
}

/** A workspace-relative path as a link target: spaces and brackets would end it early. */
function linkTarget(path: string): string {
  return encodeURI(path).replace(/\(/g, '%28').replace(/\)/g, '%29');
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** The review as a markdown document: the summary, then the findings by kind, each linked to its line. */
export function reviewMarkdown(review: Review, epic: Epic, prd?: Prd): string {
  const title = epic.title === '' ? epic.id : epic.title;
  const out: string[] = [`# Review of ${title}`, ''];
  const against = prd ? ` against [${linkText(prd.title === '' ? prd.id : prd.title)}](${linkTarget(prd.path)})` : ', without a PRD';
  out.push(`[${linkText(epic.path)}](${linkTarget(epic.path)}) reviewed${against}.`, '');
  if (review.summary !== '') out.push(review.summary, '');
  if (review.findings.length === 0) {
    out.push('No findings.');
    return out.join('\n') + '\n';
  }
  const warnings = review.findings.filter((f) => f.severity === 'warning').length;
  const infos = review.findings.length - warnings;
  out.push(`${plural(review.findings.length, 'finding')}: ${plural(warnings, 'warning')}, ${infos} info.`);
  for (const kind of REVIEW_KINDS) {
    const findings = review.findings.filter((f) => f.kind === kind);
    if (findings.length === 0) continue;
    out.push('', `## ${KIND_HEADINGS[kind]}`, '');
    for (const f of findings) {
      const where = `${f.path}:${f.line + 1}`;
      const task = f.taskId === undefined ? undefined : epic.tasks.find((t) => t.id === f.taskId);
      const named = task ? ` **${task.id}**${task.title === '' ? '' : ` ${task.title}`}:` : '';
      out.push(`- ${f.severity === 'warning' ? 'Warning' : 'Info'}: [${linkText(where)}](${linkTarget(f.path)}#L${f.line + 1})${named} ${f.message}`);
    }
  }
  return out.join('\n') + '\n';
}
