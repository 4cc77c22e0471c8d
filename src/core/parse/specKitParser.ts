/**
 * GitHub Spec Kit: `specs/<NNN-feature>/spec.md` (the PRD) and `tasks.md` (the epic).
 *
 * tasks.md lists `- [ ] T001 [P] [US1] Title` lines under phase headings. The order is
 * the plan, unless the file says otherwise:
 * - a phase waits for the phase with tasks before it, or for the phases a
 *   `**Depends on**: Phase 1, Phase 2` line in its own text names (`none`: for nothing);
 *   each of its tasks depends on the other phase's sinks, the tasks no task of that phase
 *   waits for (the same as waiting for all of them, in far fewer edges);
 * - in a phase, a task without `[P]` waits for every task since the last task without
 *   `[P]`, that one included: the task before it, and a run of `[P]` tasks just before
 *   it as a whole (they were meant to run side by side, not to be skipped). A `[P]` task
 *   waits for no neighbour;
 * - `(depends on T005)` on a task line adds that dependency.
 */
import type { Dependency, Diagnostic, Epic, Range, Task, TaskGroup } from '../model';
import { lineRange } from '../model';
import type { OutlineCode, OutlineHeading, OutlineItem } from '../markdown/outline';
import { parseOutline } from '../markdown/parseOutline';
import { linesOf, stripBom } from '../text';
import type { Lines } from '../text';
import { compactIds, diagnostic, NO_IDS, parseBoldKeyLine } from './common';
import type { ParsedPrd } from './prdParser';
import type { ParsedEpic } from './singleFileEpicParser';
import { featureFolderOf, readableName, readToolCheckbox, specificTitle, stateFromTasks, toolPrd } from './kiroParser';
import type { ToolCheckbox } from './kiroParser';

const TASK_ID = /^(T\d+)(?=[\s:.]|$)[:.]?\s*/;
const SPEC_KIT_LINE = /^[ \t]*[-*+][ \t]+\[[ xX~-]\][ \t]+T\d+(?=[\s:.]|$)/m;

/**
 * Whether a tasks.md is Spec Kit's: it has at least one `- [ ] T001` line outside fenced
 * code. Cheap, since it runs on every Spec Kit folder's tasks.md: the line scan only follows
 * fences, and only when the quick test has found a candidate.
 */
export function isSpecKitTasks(source: string): boolean {
  const text = stripBom(source);
  if (!SPEC_KIT_LINE.test(text)) return false;
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== undefined) {
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = undefined;
    } else if (marker !== undefined) {
      fence = marker;
    } else if (SPEC_KIT_LINE.test(line)) {
      return true;
    }
  }
  return false;
}

interface Phase {
  /** Undefined for the tasks before the first phase heading. */
  readonly heading: OutlineHeading | undefined;
  /** `2` for `Phase 2: Foundational`, `3.1` for `Phase 3.1: Setup`. */
  readonly number: string | undefined;
  readonly tasks: number[];
  /** The phases a `Depends on:` line names (indexes), or undefined when it has none. */
  after?: { phases: number[]; range: Range };
}

interface SpecKitLine {
  readonly id: string;
  readonly title: string;
  readonly box: ToolCheckbox;
  readonly parallel: boolean;
  readonly phase: number;
  readonly range: Range;
  readonly explicit: ReadonlyArray<{ readonly written: string; readonly range: Range }>;
}

/**
 * The headings that open phases: those as deep as the shallowest `Phase N` heading, or the
 * `##` headings when none says Phase. Deeper ones (`### Tests for User Story 1`) stay in it.
 */
function phaseDepthOf(headings: readonly OutlineHeading[]): number {
  let depth = Infinity;
  for (const h of headings) if (h.depth >= 2 && /^phase\b/i.test(h.text.trim())) depth = Math.min(depth, h.depth);
  return depth === Infinity ? 2 : depth;
}

/** A heading that opens a phase; a `# ` heading ends one without opening a group. */
function openPhase(h: OutlineHeading, depth: number, phases: Phase[]): void {
  if (h.depth > depth) return;
  const heading = h.depth >= 2 ? h : undefined;
  phases.push({ heading, number: heading && /^phase\s+(\d+(?:\.\d+)*)/i.exec(h.text.trim())?.[1], tasks: [] });
}

const MARKER = /^\[(P|US\d+)\]\s*/i;
// `(depends on T005)`, `depends on T005, T006`, `blocked by T2 and T3`. The quick fixes
// find a reference again with it (src/core/fixes/toolFormatFixes.ts).
export const DEPENDS_CLAUSE = /(\(\s*)?\b(?:depends\s+(?:on|upon)|blocked\s+by|requires)\s*:?\s*(T\d+(?:\s*(?:,|&|\band\b)\s*T\d+)*)\s*(\))?/i;

function readTaskLine(item: OutlineItem, lines: Lines, phase: number): SpecKitLine | undefined {
  const lineText = lines.at(item.line);
  const box = readToolCheckbox(item, lineText);
  if (!box) return undefined;
  const id = TASK_ID.exec(box.text);
  if (!id) return undefined;
  let rest = box.text.slice(id[0].length);
  let parallel = false;
  for (let marker = MARKER.exec(rest); marker; marker = MARKER.exec(rest)) {
    if (marker[1].toUpperCase() === 'P') parallel = true;
    rest = rest.slice(marker[0].length);
  }
  const explicit: Array<{ written: string; range: Range }> = [];
  const clause = DEPENDS_CLAUSE.exec(rest);
  if (clause) {
    const restColumn = box.textColumn + box.text.length - rest.length;
    const column = restColumn + clause.index;
    const range = lineRange(item.line, column, column + clause[0].trimEnd().length);
    for (const written of clause[2].match(/T\d+/g) ?? []) explicit.push({ written, range });
    // A parenthesised or closing clause is a note about the task, not part of its title.
    const closes = clause.index + clause[0].length >= rest.trimEnd().length;
    if ((clause[1] !== undefined && clause[3] !== undefined) || closes) {
      rest = (rest.slice(0, clause.index) + rest.slice(clause.index + clause[0].length)).replace(/\s*[,;:—–-]?\s*$/, '');
    }
  }
  return {
    id: id[1],
    title: rest.replace(/\s+/g, ' ').trim(),
    box,
    parallel,
    phase,
    range: lineRange(item.line, box.column, Math.max(box.column, lineText.length)),
    explicit,
  };
}

function collectTaskLines(item: OutlineItem, lines: Lines, phase: number, out: SpecKitLine[]): void {
  const task = readTaskLine(item, lines, phase);
  if (task) out.push(task);
  for (const child of item.children) collectTaskLines(child, lines, phase, out);
}

const DEPENDS_KEYS = new Set(['depends_on', 'depends_upon', 'dependencies', 'dependency', 'blocked_by', 'after']);
const PLAIN_DEPENDS = /^\s*(?:[-*+]\s+)?(depends\s+(?:on|upon)|dependencies|blocked\s+by)\s*:?\s+(.+)$/i;
const NONE = /^(none|nothing|no\s+dependencies|n\/a|-|—)\b/i;

/** `**Depends on**: Phase 1, Phase 2` → ['1', '2']; `Dependencies: none` → []; any other line → undefined. */
export function phaseDependencyLine(lineText: string): string[] | undefined {
  const bold = parseBoldKeyLine(lineText.replace(/^\s*[-*+]\s+/, ''));
  let value: string | undefined;
  if (bold) value = DEPENDS_KEYS.has(bold[0]) ? bold[1] : undefined;
  else value = PLAIN_DEPENDS.exec(lineText)?.[2];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (NONE.test(trimmed)) return [];
  const numbers: string[] = [];
  for (const list of trimmed.matchAll(/phases?\s+(\d+(?:\.\d+)*(?:\s*(?:,|&|\band\b)\s*(?:phase\s+)?\d+(?:\.\d+)*)*)/gi)) {
    for (const n of list[1].match(/\d+(?:\.\d+)*/g) ?? []) if (!numbers.includes(n)) numbers.push(n);
  }
  // `Depends on the schema being final` names no phase: the usual order stands.
  return numbers.length > 0 ? numbers : undefined;
}

function inCode(code: readonly OutlineCode[], line: number): boolean {
  return code.some((c) => line >= c.line && line <= c.endLine);
}

/**
 * The phases a phase's own text (from its heading to the next heading) says it waits
 * for. Named phases that do not exist are left out; when none of them exists, the line
 * is ignored and the phase keeps its usual place in the order.
 */
function readPhaseDependencies(phases: Phase[], headings: readonly OutlineHeading[], code: readonly OutlineCode[], lines: Lines): void {
  const byNumber = new Map<string, number>();
  phases.forEach((p, i) => {
    if (p.number !== undefined && !byNumber.has(p.number)) byNumber.set(p.number, i);
  });
  phases.forEach((phase, index) => {
    if (!phase.heading) return;
    const start = phase.heading.line + 1;
    const next = headings.find((h) => h.line > phase.heading!.line);
    const end = next ? next.line : lines.count;
    for (let line = start; line < end && phase.after === undefined; line++) {
      if (inCode(code, line)) continue;
      const named = phaseDependencyLine(lines.at(line));
      if (named === undefined) continue;
      const known = named.map((n) => byNumber.get(n)).filter((i): i is number => i !== undefined && i !== index);
      if (named.length > 0 && known.length === 0) continue;
      phase.after = { phases: known, range: lineRange(line, 0, lines.at(line).length) };
    }
  });
}

/** An edge between task indexes; `from` is the reference as written when no task has it. */
interface Edge {
  readonly from: number | string;
  readonly to: number;
  readonly source: Dependency['source'];
  readonly range: Range;
  readonly written?: string;
}

/** In-phase order: a task without `[P]` waits for everything since the last task without `[P]`, inclusive. */
function inPhaseEdges(phase: Phase, found: readonly SpecKitLine[]): Edge[] {
  const edges: Edge[] = [];
  let since = 0;
  phase.tasks.forEach((t, i) => {
    if (found[t].parallel) return;
    for (let j = since; j < i; j++) {
      const from = phase.tasks[j];
      // Two lines with one id are reported as duplicates; one waiting for the other would read as a self-dependency.
      if (found[from].id !== found[t].id) edges.push({ from, to: t, source: 'order', range: found[t].range });
    }
    since = i;
  });
  return edges;
}

/** The tasks of a phase that no task of the same phase waits for. */
function sinksOf(phase: Phase, edges: readonly Edge[], phaseOf: readonly number[]): number[] {
  const waitedFor = new Set<number>();
  for (const e of edges) if (typeof e.from === 'number' && phaseOf[e.from] === phaseOf[e.to]) waitedFor.add(e.from);
  return phase.tasks.filter((t) => !waitedFor.has(t));
}

export function parseSpecKitTasks(path: string, source: string): ParsedEpic {
  const text = stripBom(source);
  const outline = parseOutline(text);
  const lines = linesOf(text);
  const { dir, id } = featureFolderOf(path);
  const diagnostics: Diagnostic[] = [];

  const depth = phaseDepthOf(outline.headings);
  const phases: Phase[] = [{ heading: undefined, number: undefined, tasks: [] }];
  const found: SpecKitLine[] = [];
  let cursor = 0;
  for (const item of outline.items) {
    while (cursor < outline.headings.length && outline.headings[cursor].line < item.line) openPhase(outline.headings[cursor++], depth, phases);
    collectTaskLines(item, lines, phases.length - 1, found);
  }
  // Later headings still count: a `Depends on: Phase 5` may name a phase with no tasks yet.
  while (cursor < outline.headings.length) openPhase(outline.headings[cursor++], depth, phases);
  found.forEach((t, i) => phases[t.phase].tasks.push(i));
  readPhaseDependencies(phases, outline.headings, outline.code, lines);

  const edges = orderEdges(phases, found);
  const explicit = explicitEdges(found);
  // A written dependency says what the implied one would: keep the written one only.
  const written = new Set(explicit.map((e) => `${e.from}>${e.to}`));
  const all = [...edges.filter((e) => !written.has(`${e.from}>${e.to}`)), ...explicit];

  const tasks = buildTasks(found, phases, all, id, path);
  const dependencies: Dependency[] = all.map((e) => ({
    from: typeof e.from === 'number' ? tasks[e.from].id : e.from,
    to: tasks[e.to].id,
    source: e.source,
    ...(e.written !== undefined ? { written: e.written } : {}),
    path,
    range: e.range,
  }));
  for (const task of tasks) {
    if (task.title === '') diagnostics.push(diagnostic(path, task.range, 'warning', 'task-missing-title', `Task ${task.id} has an id but no title.`));
  }

  const h1 = outline.headings.find((h) => h.depth === 1);
  if (tasks.length === 0) {
    diagnostics.push(diagnostic(path, lineRange(h1?.line ?? 0), 'info', 'epic-empty', 'This feature has no task lines (`- [ ] T001 Title`).'));
  }
  const titleLine = h1?.line ?? 0;
  const epic: Epic = {
    kind: 'epic',
    id,
    title: specificTitle(h1?.text, /^tasks?$/i, /^tasks?\s*[:—–-]\s*(.*)$/i) ?? readableName(id.replace(/^\d+[-_]/, '')),
    layout: 'spec-kit',
    path,
    dir,
    state: stateFromTasks(tasks),
    prd: id,
    metadata: {},
    groups: phaseGroups(phases, tasks, lines),
    tasks,
    milestones: [],
    dependencies,
    checklist: [],
    range: lineRange(titleLine, 0, lines.at(titleLine).length),
  };
  return { epic, diagnostics };
}

/** Phase order, then in-phase order: every implied edge, between task indexes. */
function orderEdges(phases: readonly Phase[], found: readonly SpecKitLine[]): Edge[] {
  const phaseOf = found.map((t) => t.phase);
  const inPhase = phases.map((p) => inPhaseEdges(p, found));
  const sinks = phases.map((p, i) => sinksOf(p, inPhase[i], phaseOf));
  const edges: Edge[] = [];
  let previous = -1;
  phases.forEach((phase, index) => {
    if (phase.tasks.length === 0) return;
    const after = phase.after?.phases ?? (previous === -1 ? [] : [previous]);
    for (const other of after) {
      for (const t of phase.tasks) {
        for (const s of sinks[other]) {
          if (found[s].id !== found[t].id) edges.push({ from: s, to: t, source: 'order', range: phase.after?.range ?? found[t].range });
        }
      }
    }
    edges.push(...inPhase[index]);
    previous = index;
  });
  return edges;
}

/** The `(depends on T005)` edges. */
function explicitEdges(found: readonly SpecKitLine[]): Edge[] {
  const byId = new Map<string, number>();
  const byNumber = new Map<number, number>();
  found.forEach((t, i) => {
    if (!byId.has(t.id)) byId.set(t.id, i);
    const n = Number(t.id.slice(1));
    if (!byNumber.has(n)) byNumber.set(n, i);
  });
  const edges: Edge[] = [];
  found.forEach((t, to) => {
    for (const ref of t.explicit) {
      // `T5` means `T005` when that is how the file numbers its tasks.
      const exact = byId.get(ref.written);
      const from = exact ?? byNumber.get(Number(ref.written.slice(1)));
      const written = from !== undefined && exact === undefined ? ref.written : undefined;
      edges.push({ from: from ?? ref.written, to, source: 'bullet', range: ref.range, ...(written !== undefined ? { written } : {}) });
    }
  });
  return edges;
}

function buildTasks(
  found: readonly SpecKitLine[],
  phases: readonly Phase[],
  edges: readonly Edge[],
  epicId: string,
  path: string,
): Task[] {
  const dependsOn = found.map(() => [] as string[]);
  for (const e of edges) {
    const from = typeof e.from === 'number' ? found[e.from].id : e.from;
    if (!dependsOn[e.to].includes(from)) dependsOn[e.to].push(from);
  }
  return found.map((t, order) => {
    const group = phases[t.phase].heading?.text;
    return {
      id: t.id,
      epicId,
      title: t.title,
      state: t.box.state,
      rawStatus: undefined,
      ...(group !== undefined ? { group } : {}),
      dependsOn: compactIds(dependsOn[order]),
      conflictsWith: NO_IDS,
      ...(t.parallel ? { parallel: true } : {}),
      path,
      range: t.range,
      order,
    };
  });
}

function phaseGroups(phases: readonly Phase[], tasks: readonly Task[], lines: Lines): TaskGroup[] {
  const groups: TaskGroup[] = [];
  for (const phase of phases) {
    if (!phase.heading || phase.tasks.length === 0) continue;
    const h = phase.heading;
    groups.push({ name: h.text, range: lineRange(h.line, h.column, lines.at(h.line).length), taskIds: phase.tasks.map((t) => tasks[t].id) });
  }
  return groups;
}

const GENERIC_SPEC = /^(feature\s+specification|specification|spec)$/i;
const SPEC_PREFIX = /^(?:feature\s+)?specification\s*[:—–-]\s*(.*)$/i;

/** Spec Kit's spec.md as a PRD: its id is the feature folder's name, which the feature's epic names as its PRD. */
export function parseSpecKitSpec(path: string, source: string): ParsedPrd {
  return toolPrd(path, source, GENERIC_SPEC, SPEC_PREFIX, (folder) => readableName(folder.replace(/^\d+[-_]/, '')));
}
