/**
 * New PRD with Claude: the interview (a one-line idea, then four to six questions) and
 * the PRD written from it. What is asked of the model, how its answers are read, and
 * the file's text at each step, so that a cancelled or failed stream leaves a draft that
 * says it is incomplete, never one that looks finished. Without a model the same
 * interview fills the template: the standard questions map onto its sections.
 */
import { slugOf } from '../newPrd';

/** The sections a PRD has, in order, as the command-line tools write them. */
export const PRD_SECTIONS = [
  'Problem Statement',
  'Target Users',
  'User Stories',
  'Requirements',
  'Technical Requirements',
  'Success Criteria',
  'Out of Scope',
  'Timeline',
  'Dependencies',
  'Risks',
  'Metrics',
] as const;

export type PrdSection = (typeof PRD_SECTIONS)[number];

export interface InterviewQuestion {
  readonly question: string;
  /** Where the answer goes when the template is filled without a model. */
  readonly section?: PrdSection;
}

/** What the command-line tools ask, in their order; also what is asked without a model. */
export const STANDARD_QUESTIONS: readonly InterviewQuestion[] = [
  { question: 'Who are the users, and what problem does this solve for them?', section: 'Target Users' },
  { question: 'What are the key features? Name the ones the first release must have.', section: 'Requirements' },
  { question: 'What technical constraints are there (platforms, stack, performance, security)?', section: 'Technical Requirements' },
  { question: 'What is the timeline, and are there dates it must meet?', section: 'Timeline' },
  { question: 'What does it integrate with or depend on?', section: 'Dependencies' },
];

export const MIN_QUESTIONS = 4;
export const MAX_QUESTIONS = 6;

/** The model's interview: a short title for the PRD and the questions to ask. */
export const INTERVIEW_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['title', 'questions'],
  properties: {
    title: { type: 'string', description: 'A short name for the product or feature, two to five words, no punctuation at the end.' },
    questions: { type: 'array', items: { type: 'string' }, description: 'Four to six clarifying questions, one sentence each.' },
  },
} as const;

export function interviewRequest(idea: string): { system: string; prompt: string } {
  return {
    system: [
      'You are a senior product manager preparing to write a product requirements document (PRD).',
      'Given a one-line idea, ask the clarifying questions whose answers the PRD needs most:',
      'who the users are, the key features, technical constraints, the timeline, and integrations,',
      'adapted to the idea. Ask between four and six questions, each one short sentence, and give the PRD a short title.',
    ].join(' '),
    prompt: `The idea: ${idea.trim()}`,
  };
}

export interface Interview {
  readonly title: string;
  readonly questions: readonly InterviewQuestion[];
}

/**
 * The model's interview, checked: a usable title (else the idea), four to six distinct
 * questions (fewer are made up from the standard ones, more are cut). Undefined with a
 * reason when the answer is not the JSON asked for.
 */
export function readInterview(text: string, idea: string): { interview: Interview } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'The answer was not the JSON asked for.' };
  }
  const record = value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  const rawQuestions = Array.isArray(record?.questions) ? record.questions : undefined;
  if (!rawQuestions) return { problem: 'The answer has no list of questions.' };
  const seen = new Set<string>();
  const questions: InterviewQuestion[] = [];
  for (const q of rawQuestions) {
    const question = typeof q === 'string' ? q.replace(/\s+/g, ' ').trim() : '';
    if (!question || seen.has(question.toLowerCase())) continue;
    seen.add(question.toLowerCase());
    questions.push({ question });
  }
  for (const standard of STANDARD_QUESTIONS) {
    if (questions.length >= MIN_QUESTIONS) break;
    if (!seen.has(standard.question.toLowerCase())) questions.push({ question: standard.question });
  }
  const rawTitle = typeof record?.title === 'string' ? record.title.replace(/\s+/g, ' ').trim() : '';
  const title = slugOf(rawTitle) ? rawTitle.slice(0, 80) : titleFromIdea(idea);
  return { interview: { title, questions: questions.slice(0, MAX_QUESTIONS) } };
}

/** A title from the idea itself, when no model names it: its first few words. */
export function titleFromIdea(idea: string): string {
  const words = idea.replace(/\s+/g, ' ').trim().replace(/[.!?]+$/, '').split(' ');
  const title = words.slice(0, 6).join(' ');
  return title.charAt(0).toUpperCase() + title.slice(1);
}

export interface Answer {
  readonly question: string;
  readonly answer: string;
  readonly section?: PrdSection;
}

export function prdRequest(idea: string, title: string, answers: readonly Answer[]): { system: string; prompt: string } {
  return {
    system: [
      'You are a senior product manager writing a product requirements document (PRD) in GitHub-flavoured markdown.',
      `Write these sections, each as a level-two heading, in this order: ${PRD_SECTIONS.join(', ')}.`,
      'User stories as "As a <user>, I want <goal> so that <reason>" bullets; success criteria and metrics measurable;',
      'requirements as bullets; risks with their mitigation. Be specific to the answers; where they are silent, say what is assumed.',
      'Write only the sections: no title heading, no frontmatter, no preamble, no code fence around the document.',
    ].join(' '),
    prompt: [
      `The PRD: ${title}`,
      `The idea: ${idea.trim()}`,
      '',
      'The interview:',
      ...answers.flatMap((a) => [`Q: ${a.question}`, `A: ${a.answer.trim() || '(no answer)'}`]),
    ].join('\n'),
  };
}

export type PrdLayout = 'single-file' | 'directory';

/** The first lines of the PRD, as the layout's PRDs start; the body follows a blank line. */
export function prdHeader(layout: PrdLayout, title: string, number: string, now: string): string {
  if (layout === 'single-file') return [`# PRD-${number}: ${title}`, '', `**Created:** ${now.slice(0, 10)}`, '**Status:** Draft', ''].join('\n') + '\n';
  return ['---', `name: ${slugOf(title)}`, `description: ${JSON.stringify(title)}`, 'status: backlog', `created: ${now}`, '---', '', `# PRD: ${title}`, ''].join('\n') + '\n';
}

/** Shown while the model writes; replaced when it stops, whichever way it stops. */
export const WRITING_MARKER = '> **Draft in progress:** Claude is writing this PRD. It is not finished until this line is gone.';

/** What an unfinished draft says at its top, so that nobody takes it for a finished PRD. */
export function incompleteMarker(why: string): string {
  return `> **Incomplete draft:** ${why.replace(/\s+/g, ' ').trim()} The PRD stops where the writing stopped; finish it by hand or run "AutoPM: New PRD" again.`;
}

/** True when a PRD's text still carries either marker. */
export function isIncompleteDraft(text: string): boolean {
  return text.split(/\r?\n/).some((line) => line.startsWith('> **Draft in progress:**') || line.startsWith('> **Incomplete draft:**'));
}

/**
 * Cleans the streamed body as it arrives: a model sometimes opens with its own title
 * heading, or wraps the whole document in a markdown fence, despite being asked not to.
 * Text is held back only until its first line is complete.
 */
export class PrdBodyFilter {
  private pending = '';
  private started = false;
  private fenced = false;
  private emitted = '';

  /** The text to append for this piece of the stream. */
  push(delta: string): string {
    if (this.started) return this.emit(delta);
    this.pending += delta;
    for (;;) {
      const newline = this.pending.indexOf('\n');
      if (newline < 0) return '';
      const line = this.pending.slice(0, newline).replace(/\r$/, '');
      const rest = this.pending.slice(newline + 1);
      if (line.trim() === '' || /^#\s/.test(line)) {
        this.pending = rest;
        continue;
      }
      if (!this.fenced && /^(```|~~~)\s*(markdown|md)?\s*$/i.test(line)) {
        this.fenced = true;
        this.pending = rest;
        continue;
      }
      this.started = true;
      this.pending = '';
      return this.emit(`${line}\n${rest}`);
    }
  }

  /** At the end of the stream: what is still held back, and how many characters of the end to drop (a closing fence). */
  finish(): { append: string; dropEnd: number } {
    const append = this.started ? '' : this.pending.trim() && !/^#\s/.test(this.pending) ? this.pending : '';
    if (append) this.emit(append);
    let dropEnd = 0;
    if (this.fenced) {
      const match = /(?<=^|\n)(```|~~~)[ \t]*\r?\n?$/.exec(this.emitted);
      if (match) dropEnd = match[0].length;
    }
    return { append, dropEnd };
  }

  private emit(text: string): string {
    this.emitted += text;
    return text;
  }
}

/** The PRD from the template, filled with the interview's answers: New PRD without a model. */
export function prdFromAnswers(layout: PrdLayout, title: string, number: string, now: string, idea: string, answers: readonly Answer[]): string {
  const bySection = new Map<PrdSection, string[]>();
  const loose: Answer[] = [];
  for (const a of answers) {
    if (!a.answer.trim()) continue;
    if (a.section) bySection.set(a.section, [...(bySection.get(a.section) ?? []), a.answer.trim()]);
    else loose.push(a);
  }
  const body: string[] = [];
  for (const section of PRD_SECTIONS) {
    body.push(`## ${section}`, '');
    if (section === 'Problem Statement') body.push(idea.trim(), '');
    for (const text of bySection.get(section) ?? []) body.push(text, '');
    if (section === 'Problem Statement' && loose.length > 0) {
      for (const a of loose) body.push(`**${a.question}**`, '', a.answer.trim(), '');
    }
  }
  return `${prdHeader(layout, title, number, now)}${body.join('\n').trimEnd()}\n`;
}
