import type { Epic, PlanState, Prd, Task } from './model';
import { fileStem } from './text';

export interface Progress {
  readonly done: number;
  readonly inProgress: number;
  readonly total: number;
  /** 0..100, rounded; 0 when there is nothing to do. */
  readonly percent: number;
}

/** 0..100, rounded; 0 when there is nothing to do. */
export function percentOf(done: number, total: number): number {
  return total === 0 ? 0 : Math.round((done / total) * 100);
}

/** A `progress` value an epic's frontmatter writes, read as a percentage. */
export interface WrittenPercent {
  readonly value: number;
  /** Written with `%`; a bare whole number (`40`) means a percent too. */
  readonly sign: boolean;
}

/**
 * Reads a `progress` value as a percentage: `40%`, `40 %`, `42.5%`, or a bare whole
 * number (`40`). A bare fraction (`0.4`) may mean 0.4% or 40%, and words (`n/a`, `TBD`)
 * or an empty value are no percentage at all: those give undefined, and nothing is said
 * about them, since there is no telling what their author meant.
 */
export function writtenPercent(value: unknown): WrittenPercent | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const match = /^(\d+(?:\.\d+)?)(\s*%)?$/.exec(text);
  if (!match || (match[2] === undefined && match[1].includes('.'))) return undefined;
  return { value: Number(match[1]), sign: match[2] !== undefined };
}

/** Whether a written percentage says what the tasks do, to the whole percent the edits write (`33.3%` for 1 of 3 does). */
export function percentInStep(written: WrittenPercent, percent: number): boolean {
  return Math.round(written.value) === percent;
}

export function progressOf(tasks: readonly Task[]): Progress {
  let done = 0;
  let inProgress = 0;
  for (const t of tasks) {
    if (t.state === 'done') done++;
    else if (t.state === 'in-progress') inProgress++;
  }
  return { done, inProgress, total: tasks.length, percent: percentOf(done, tasks.length) };
}

/** The state a set of tasks gives its epic or PRD: done when all are, in progress once one is started or done. */
export function stateOfTasks(counts: { readonly total: number; readonly done: number; readonly inProgress: number }): PlanState {
  if (counts.total > 0 && counts.done === counts.total) return 'done';
  return counts.done > 0 || counts.inProgress > 0 ? 'in-progress' : 'not-started';
}

export interface GroupProgress extends Progress {
  readonly name: string;
}

export interface MilestoneProgress extends Progress {
  readonly id: string;
  readonly title: string;
  readonly when?: string;
  readonly taskIds: readonly string[];
}

export interface EpicProgress extends Progress {
  readonly groups: readonly GroupProgress[];
  readonly milestones: readonly MilestoneProgress[];
}

function tasksById(epic: Epic, ids: readonly string[]): Task[] {
  return ids.map((id) => epic.tasks.find((t) => t.id === id)).filter((t): t is Task => t !== undefined);
}

export function epicProgress(epic: Epic): EpicProgress {
  return {
    ...progressOf(epic.tasks),
    groups: epic.groups.map((g) => ({ name: g.name, ...progressOf(tasksById(epic, g.taskIds)) })),
    milestones: epic.milestones.map((m) => ({
      id: m.id,
      title: m.title,
      ...(m.when !== undefined ? { when: m.when } : {}),
      taskIds: m.taskIds,
      ...progressOf(tasksById(epic, m.taskIds)),
    })),
  };
}

/**
 * Whether an epic's `prd`/`Based on` value names this PRD: by id, by file name, by the end
 * of its path, or `PRD 7` for `PRD-7`. The lower-cased forms of both sides are worked out
 * once per object, since views ask this for every pair.
 */
export function epicBelongsToPrd(epic: Epic, prd: Prd): boolean {
  const ref = refForms(epic);
  if (!ref) return false;
  const names = prdForms(prd);
  return ref.lower === names.id || ref.stem === names.stem || names.path.endsWith(ref.lower) || ref.number === names.id;
}

export function prdProgress(prd: Prd, epics: readonly Epic[]): Progress & { readonly epicIds: readonly string[] } {
  const own = epicsOfPrd(prd, epics);
  return { ...progressOf(own.flatMap((e) => e.tasks)), epicIds: own.map((e) => e.id) };
}

// Asking epicBelongsToPrd of every PRD and epic pair is quadratic: 100 PRDs and 1,000
// epics took tens of milliseconds per pass. These lookups give the same answers from maps
// built once per list. They are kept per list object, so they assume, as the index does,
// that a list handed over is never changed afterwards.

interface RefForms {
  readonly lower: string;
  readonly stem: string;
  /** `prd-7` for `PRD 7`, `prd7` or `PRD-7`; undefined for any other reference. */
  readonly number: string | undefined;
}

const refCache = new WeakMap<Epic, RefForms | null>();
const prdCache = new WeakMap<Prd, { readonly id: string; readonly stem: string; readonly path: string }>();

/** The forms of an epic's `prd` value that the matching rules compare (model objects never change). */
function refForms(epic: Epic): RefForms | undefined {
  let forms = refCache.get(epic);
  if (forms === undefined) {
    if (epic.prd === undefined) forms = null;
    else {
      const ref = epic.prd.trim().replace(/^\.?\//, '');
      const lower = ref.toLowerCase();
      forms = { lower, stem: fileStem(ref).toLowerCase(), number: /^prd[-\s]?\d+$/i.test(ref) ? lower.replace(/\s/, '-') : undefined };
    }
    refCache.set(epic, forms);
  }
  return forms ?? undefined;
}

function prdForms(prd: Prd): { readonly id: string; readonly stem: string; readonly path: string } {
  let forms = prdCache.get(prd);
  if (!forms) prdCache.set(prd, (forms = { id: prd.id.toLowerCase(), stem: fileStem(prd.path).toLowerCase(), path: prd.path.toLowerCase() }));
  return forms;
}

/** Every end of a string, the empty one included: a reference matches a PRD whose path ends with it. */
function suffixes(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i <= text.length; i++) out.push(text.slice(i));
  return out;
}

function push<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

class EpicsByReference {
  private readonly byRef = new Map<string, number[]>();
  private readonly byStem = new Map<string, number[]>();
  private readonly byNumber = new Map<string, number[]>();

  constructor(private readonly epics: readonly Epic[]) {
    epics.forEach((epic, i) => {
      const forms = refForms(epic);
      if (!forms) return;
      push(this.byRef, forms.lower, i);
      push(this.byStem, forms.stem, i);
      if (forms.number !== undefined) push(this.byNumber, forms.number, i);
    });
  }

  /** The epics that belong to the PRD, in list order. */
  of(prd: Prd): Epic[] {
    const { id, stem, path } = prdForms(prd);
    const found = new Set<number>();
    const add = (list: readonly number[] | undefined) => {
      if (list) for (const i of list) found.add(i);
    };
    add(this.byRef.get(id));
    add(this.byNumber.get(id));
    add(this.byStem.get(stem));
    if (this.byRef.size > 0) for (const end of suffixes(path)) add(this.byRef.get(end));
    return [...found].sort((a, b) => a - b).map((i) => this.epics[i]);
  }
}

class PrdNames {
  private readonly ids = new Set<string>();
  private readonly stems = new Set<string>();
  private readonly pathEnds = new Set<string>();

  constructor(prds: readonly Prd[]) {
    for (const prd of prds) {
      const { id, stem, path } = prdForms(prd);
      this.ids.add(id);
      this.stems.add(stem);
      for (const end of suffixes(path)) this.pathEnds.add(end);
    }
  }

  /** Whether some PRD is the one the epic names. */
  has(epic: Epic): boolean {
    const forms = refForms(epic);
    if (!forms) return false;
    return this.ids.has(forms.lower) || this.stems.has(forms.stem) || this.pathEnds.has(forms.lower) || (forms.number !== undefined && this.ids.has(forms.number));
  }
}

const epicLookups = new WeakMap<readonly Epic[], EpicsByReference>();
const prdLookups = new WeakMap<readonly Prd[], PrdNames>();

/** The epics that belong to a PRD, in list order: `epics.filter((e) => epicBelongsToPrd(e, prd))`, without the scan. */
export function epicsOfPrd(prd: Prd, epics: readonly Epic[]): Epic[] {
  let lookup = epicLookups.get(epics);
  if (!lookup) epicLookups.set(epics, (lookup = new EpicsByReference(epics)));
  return lookup.of(prd);
}

/** Whether the epic belongs to one of the PRDs: `prds.some((p) => epicBelongsToPrd(epic, p))`, without the scan. */
export function belongsToSomePrd(epic: Epic, prds: readonly Prd[]): boolean {
  let lookup = prdLookups.get(prds);
  if (!lookup) prdLookups.set(prds, (lookup = new PrdNames(prds)));
  return lookup.has(epic);
}

const prdOfLookups = new WeakMap<readonly Epic[], WeakMap<readonly Prd[], Map<Epic, Prd>>>();

/**
 * The first PRD, in list order, that an epic of `epics` belongs to:
 * `prds.find((p) => epicsOfPrd(p, epics).includes(epic))`, worked out once per pair of lists
 * (a project report asks it for every epic).
 */
export function prdOfEpic(epic: Epic, prds: readonly Prd[], epics: readonly Epic[]): Prd | undefined {
  let byPrds = prdOfLookups.get(epics);
  if (!byPrds) prdOfLookups.set(epics, (byPrds = new WeakMap()));
  let owners = byPrds.get(prds);
  if (!owners) {
    owners = new Map();
    for (const prd of prds) for (const own of epicsOfPrd(prd, epics)) if (!owners.has(own)) owners.set(own, prd);
    byPrds.set(prds, owners);
  }
  return owners.get(epic);
}
