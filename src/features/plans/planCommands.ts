import * as vscode from 'vscode';
import { isoNow } from '../../core/edits';
import { Commands } from '../../common/commands';
import type { PlanWorkspace } from '../../services/planWorkspace';
import type { PlanDiagnostics } from '../diagnostics/planDiagnostics';

/** A file name from a title: `Team Calendar!` → `team-calendar`. */
export function slugOf(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

/** The PRD skeleton of each layout, following what the command-line tools write. */
export function prdTemplate(layout: 'single-file' | 'directory', title: string, number: string, now: string): string {
  const sections = ['Problem Statement', 'Target Users', 'User Stories', 'Requirements', 'Success Criteria', 'Out of Scope'];
  if (layout === 'single-file') {
    return [`# PRD-${number}: ${title}`, '', `**Created:** ${now.slice(0, 10)}`, '**Status:** Draft', '', ...sections.flatMap((s) => [`## ${s}`, '', ''])].join('\n').trimEnd() + '\n';
  }
  return [
    '---',
    `name: ${slugOf(title)}`,
    `description: ${JSON.stringify(title)}`,
    'status: backlog',
    `created: ${now}`,
    '---',
    '',
    `# PRD: ${title}`,
    '',
    ...['Executive Summary', ...sections].flatMap((s) => [`## ${s}`, '', '']),
  ]
    .join('\n')
    .trimEnd() + '\n';
}

export function registerPlanCommands(
  context: vscode.ExtensionContext,
  services: { workspace: PlanWorkspace; diagnostics: PlanDiagnostics; log: vscode.LogOutputChannel },
): void {
  const { workspace, diagnostics, log } = services;
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.refresh, async () => {
      await workspace.refresh();
      log.info('[Commands] refreshed');
    }),
    vscode.commands.registerCommand(Commands.validatePlans, async () => {
      await workspace.refresh();
      diagnostics.publishAll();
      const count = diagnostics.count();
      if (count > 0) {
        await vscode.commands.executeCommand('workbench.actions.view.problems');
        void vscode.window.showWarningMessage(`AutoPM found ${count} ${count === 1 ? 'problem' : 'problems'} in the plans.`);
      } else {
        void vscode.window.showInformationMessage('AutoPM found no problems in the plans.');
      }
      return count;
    }),
    vscode.commands.registerCommand(Commands.newPrd, (options?: { title?: unknown; folder?: unknown }) => newPrd(workspace, options)),
    vscode.commands.registerCommand(Commands.openDocs, () =>
      vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(context.extensionUri, 'README.md')),
    ),
  );
}

/** Creates a PRD from the skeleton; `title` and `folder` (a URI string) skip the prompts. */
async function newPrd(workspace: PlanWorkspace, options?: { title?: unknown; folder?: unknown }): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showWarningMessage('Open a folder first: PRDs live in the repository.');
    return undefined;
  }
  const named = typeof options?.folder === 'string' ? folders.find((f) => f.uri.toString() === options.folder) : undefined;
  const folder = named ?? (folders.length === 1 ? folders[0] : await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Which folder is the PRD for?' }));
  if (!folder) return undefined;
  const given = typeof options?.title === 'string' && slugOf(options.title) ? options.title : undefined;
  const title = given ?? await vscode.window.showInputBox({
    title: 'New PRD',
    prompt: 'The product or feature the PRD describes',
    placeHolder: 'Team Calendar',
    validateInput: (value) => (slugOf(value) ? undefined : 'Use at least one letter or digit.'),
  });
  if (!title) return undefined;
  await workspace.ready();
  const plans = workspace.folderByKey(folder.uri.toString());
  const target = plans && (await prdTarget(plans.roots, (p) => plans.fs.readDirectory(p), title));
  if (!target) {
    void vscode.window.showWarningMessage('None of the folders in the autopm.planRoots setting can hold PRDs.');
    return undefined;
  }
  const { path, layout, number } = target;
  const uri = vscode.Uri.joinPath(folder.uri, ...path.split('/'));
  const edit = new vscode.WorkspaceEdit();
  edit.createFile(uri, { contents: new TextEncoder().encode(prdTemplate(layout, title.trim(), number, isoNow())), overwrite: false, ignoreIfExists: false });
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showErrorMessage(`${path} already exists.`);
    return undefined;
  }
  await vscode.window.showTextDocument(uri);
  return uri;
}

/**
 * Where a new PRD goes, among the configured roots: a numbered `prd-NNN-<slug>.md` in a
 * `prds` folder that already holds the single-file layout; else `<slug>.md` in the first
 * root named `prds` (`.claude/prds` by default); else `prd-<slug>.md` in the first root
 * that may hold both PRDs and epics. Undefined when only `epics` roots are configured.
 */
export async function prdTarget(
  roots: readonly string[],
  list: (path: string) => Promise<ReadonlyArray<{ name: string }>>,
  title: string,
): Promise<{ path: string; layout: 'single-file' | 'directory'; number: string } | undefined> {
  const slug = slugOf(title);
  const last = (root: string) => root.split('/').at(-1)!.toLowerCase();
  const prdRoots = roots.filter((r) => last(r) === 'prds');
  for (const root of prdRoots) {
    const names = (await list(root)).map((e) => e.name);
    if (!names.some((n) => /^prd-\d+/i.test(n))) continue;
    const taken = names.map((n) => /^prd-(\d+)/i.exec(n)?.[1]).filter((n): n is string => n !== undefined);
    const number = String(Math.max(0, ...taken.map(Number)) + 1).padStart(3, '0');
    return { path: `${root}/prd-${number}-${slug}.md`, layout: 'single-file', number };
  }
  const directoryRoot = prdRoots.find((r) => r.endsWith('.claude/prds')) ?? prdRoots[0];
  if (directoryRoot) return { path: `${directoryRoot}/${slug}.md`, layout: 'directory', number: '001' };
  const mixed = roots.find((r) => last(r) !== 'epics');
  return mixed ? { path: `${mixed}/prd-${slug}.md`, layout: 'directory', number: '001' } : undefined;
}
