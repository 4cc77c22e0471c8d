import * as vscode from 'vscode';
import type { Diagnostic, Severity } from '../../core/model';
import type { SprintProblem } from '../../core/sprint';
import { Disposable } from '../../common/lifecycle';
import type { FolderPlans, PlanWorkspace } from '../../services/planWorkspace';
import { toVscodeRange } from '../presentation';

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export function toVscodeDiagnostic(diagnostic: Diagnostic): vscode.Diagnostic {
  const result = new vscode.Diagnostic(toVscodeRange(diagnostic.range), diagnostic.message, SEVERITY[diagnostic.severity]);
  result.source = 'AutoPM';
  result.code = diagnostic.code;
  return result;
}

export function toVscodeSprintProblem(problem: SprintProblem): vscode.Diagnostic {
  const result = new vscode.Diagnostic(toVscodeRange(problem.range), problem.message, SEVERITY[problem.severity]);
  result.source = 'AutoPM';
  result.code = `sprint-${problem.kind}`;
  return result;
}

/** The core's validation in the Problems panel, following the index as it changes. */
export class PlanDiagnostics extends Disposable {
  readonly collection = this._register(vscode.languages.createDiagnosticCollection('autopm'));
  /** Which URIs each folder reported last time, so fixed files are cleared. */
  private readonly reported = new Map<string, vscode.Uri[]>();

  constructor(private readonly workspace: PlanWorkspace) {
    super();
    this._register(
      workspace.onDidChange((event) => {
        if (event) this.publish(event.folder);
        else this.publishAll();
      }),
    );
    this._register(workspace.onDidChangeState(() => this.publishAll()));
  }

  publishAll(): void {
    const live = new Set(this.workspace.allFolders.map((f) => f.key));
    for (const [key, uris] of this.reported) {
      if (live.has(key)) continue;
      for (const uri of uris) this.collection.delete(uri);
      this.reported.delete(key);
    }
    for (const folder of this.workspace.allFolders) this.publish(folder);
  }

  private publish(folder: FolderPlans): void {
    const byPath = new Map<string, vscode.Diagnostic[]>();
    const add = (path: string, diagnostic: vscode.Diagnostic) => {
      let list = byPath.get(path);
      if (!list) byPath.set(path, (list = []));
      list.push(diagnostic);
    };
    for (const diagnostic of folder.index.diagnostics()) add(diagnostic.path, toVscodeDiagnostic(diagnostic));
    // Sprint files are plan files too: what in them cannot be read as meant is shown in place.
    const plan = folder.index.sprintPlan;
    // A problem of two sprints (one name twice) is on the plan and on each of them: shown once.
    for (const problem of new Set([...plan.problems, ...plan.sprints.flatMap((s) => s.problems)])) add(problem.path, toVscodeSprintProblem(problem));
    const uris = [...byPath.keys()].map((path) => folder.uriOf(path));
    const keep = new Set(uris.map((u) => u.toString()));
    for (const old of this.reported.get(folder.key) ?? []) if (!keep.has(old.toString())) this.collection.delete(old);
    [...byPath.values()].forEach((list, i) => this.collection.set(uris[i], list));
    this.reported.set(folder.key, uris);
  }

  count(): number {
    let n = 0;
    this.collection.forEach((_uri, list) => (n += list.length));
    return n;
  }
}
