import * as vscode from 'vscode';
import type { Range } from '../../core/model';
import { resolveTaskRef } from '../../core/parse/directoryParser';
import { Disposable } from '../../common/lifecycle';
import type { EpicEntry, PlanWorkspace, TaskEntry } from '../../services/planWorkspace';
import { taskEntry } from '../../services/planWorkspace';
import { blockersText, stateCodicon, stateLabel, taskLabel } from '../presentation';

/** `T3`, `Task 3`, `#12`, and bare numbers (which count only on a dependency line). */
const REFERENCE = /\bT\d+\b|\bTask\s+\d+\b|#\d+\b|\b\d+\b/gi;
const DEPENDENCY_KEY = /^\s*(depends_on|depends|dependencies|blocked_by|requires|conflicts_with|conflicts)\s*:/i;
const DEPENDENCY_BULLET = /^\s*[-*+]\s+(\*\*)?(depends\s+on|blocked\s+by|requires)\b/i;

/** Whether a line is a place where task references are written. */
function dependencyContext(document: vscode.TextDocument, line: number): boolean {
  const text = document.lineAt(line).text;
  if (DEPENDENCY_KEY.test(text) || DEPENDENCY_BULLET.test(text)) return true;
  // A YAML list item under a dependency key: `depends_on:` then `  - 41`.
  for (let above = line; above >= 0 && /^\s*-\s*[\w#]*\s*$/.test(document.lineAt(above).text); above--) {
    if (above > 0 && DEPENDENCY_KEY.test(document.lineAt(above - 1).text)) return true;
  }
  return false;
}

function resolve(entry: EpicEntry, written: string): TaskEntry | undefined {
  const task = /^task\s+/i.test(written) ? `T${written.replace(/^task\s+/i, '')}` : written;
  const id =
    entry.epic.tasks.find((t) => t.id.toLowerCase() === task.toLowerCase())?.id ??
    (task.startsWith('#') ? entry.epic.tasks.find((t) => t.issue === Number(task.slice(1)))?.id : undefined) ??
    resolveTaskRef(task.replace(/^#/, ''), entry.epic.tasks, entry.epic.renumbered);
  return id === undefined ? undefined : taskEntry(entry, id);
}

export function taskHoverMarkdown(entry: TaskEntry): vscode.MarkdownString {
  const { task, state, epic, analysis } = entry;
  const markdown = new vscode.MarkdownString(`${stateCodicon(state.display)} **${taskLabel(task)}**\n\n`, true);
  const facts = [stateLabel(state.display)];
  if (task.issue !== undefined) facts.push(`issue #${task.issue}`);
  if (task.estimate) facts.push(`estimate ${task.estimate}`);
  markdown.appendMarkdown(facts.join(' · '));
  if (task.dependsOn.length > 0) markdown.appendMarkdown(`  \nDepends on ${task.dependsOn.join(', ')}`);
  if (state.display === 'blocked') markdown.appendMarkdown(`  \nBlocked by ${blockersText(state, analysis.tasks)}`);
  markdown.appendMarkdown(`  \nEpic: ${epic.title || epic.id}`);
  return markdown;
}

/** Hovers on task references, and completion of task ids where dependencies are written. */
export class TaskReferenceProvider extends Disposable implements vscode.HoverProvider, vscode.CompletionItemProvider {
  constructor(private readonly workspace: PlanWorkspace) {
    super();
  }

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const found = await this.workspace.syncDocument(document);
    if (!found) return undefined;
    const entry = this.workspace.epicForDocument(document.uri, position.line);
    if (!entry) return undefined;
    if (entry.epic.layout === 'taskmaster') return this.jsonHover(entry, found.path, position);
    const text = document.lineAt(position.line).text;
    const onDependencyLine = dependencyContext(document, position.line);
    REFERENCE.lastIndex = 0;
    for (let match = REFERENCE.exec(text); match; match = REFERENCE.exec(text)) {
      const start = match.index;
      const end = start + match[0].length;
      if (position.character < start || position.character > end) continue;
      if (/^\d/.test(match[0]) && !onDependencyLine) return undefined;
      const target = resolve(entry, match[0]);
      return target && new vscode.Hover(taskHoverMarkdown(target), new vscode.Range(position.line, start, position.line, end));
    }
    return undefined;
  }

  /**
   * In a tasks.json the references are numbers in `dependencies` arrays, which mean a
   * sibling inside a subtask list, so they are resolved by the parser's own reading: a
   * reference's range, else the title of the task on the line.
   */
  private jsonHover(entry: EpicEntry, path: string, position: vscode.Position): vscode.Hover | undefined {
    const inside = (r: Range) =>
      (position.line > r.line || (position.line === r.line && position.character >= r.column)) &&
      (position.line < r.endLine || (position.line === r.endLine && position.character <= r.endColumn));
    const dependency = entry.epic.dependencies.find((d) => d.path === path && inside(d.range));
    const id = dependency ? dependency.from : entry.epic.tasks.find((t) => t.path === path && t.range.line === position.line)?.id;
    const target = id === undefined ? undefined : taskEntry(entry, id);
    if (!target) return undefined;
    const range = dependency?.range ?? target.task.range;
    return new vscode.Hover(taskHoverMarkdown(target), new vscode.Range(range.line, range.column, range.endLine, range.endColumn));
  }

  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.CompletionItem[] | undefined> {
    if (!dependencyContext(document, position.line)) return undefined;
    const found = await this.workspace.syncDocument(document);
    const entry = found && this.workspace.epicForDocument(document.uri, position.line);
    if (!found || !entry) return undefined;
    // The task being edited: the task file itself, or the task whose bullets hold the line.
    const self = entry.epic.tasks.filter((t) => t.path === found.path && (entry.epic.layout === 'directory' || t.range.line <= position.line)).at(-1);
    const singleFile = entry.epic.layout === 'single-file';
    return entry.epic.tasks
      .filter((t) => t.id !== self?.id)
      .map((task) => {
        const target = taskEntry(entry, task.id)!;
        // Single-file epics write `Task 3`; directory epics write the task file's number.
        const insert = singleFile && /^T\d+$/.test(task.id) ? `Task ${task.id.slice(1)}` : task.id;
        const item = new vscode.CompletionItem({ label: insert, description: task.title }, vscode.CompletionItemKind.Reference);
        item.insertText = insert;
        item.filterText = `${insert} ${task.id} ${task.title}`;
        item.sortText = String(task.order).padStart(6, '0');
        item.detail = `${stateLabel(target.state.display)} · ${task.title}`;
        item.documentation = taskHoverMarkdown(target);
        return item;
      });
  }
}
