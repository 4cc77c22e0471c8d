/**
 * The report models (report.ts) as markdown a team can paste into a pull request or an
 * issue: GitHub-flavoured tables, files linked by their path relative to the workspace
 * folder (with `#L<line>` to the task line), issues by their URL. Nothing is worked out
 * here that the model does not already say.
 */
import type { BurndownSeries } from './burndown';
import type { DeliverableRow, EpicReport, ProjectReport, ReportHours, ReportIssue, ReportProgress, ReportStatus } from './report';
import type { PlanState, TaskDisplayState } from './model';
import { standupSections } from './standup';

export interface ReportMarkdownOptions {
  /**
   * Put before every file link: `''` (the default) for links relative to the workspace
   * folder, `../../` for a file kept two folders down, or a blob URL
   * (`https://github.com/acme/shop/blob/main/`) for a comment that lives outside the repository.
   */
  readonly linkBase?: string;
}

const STATE_WORDS: Readonly<Record<PlanState | TaskDisplayState, string>> = {
  'not-started': 'not started',
  'in-progress': 'in progress',
  done: 'done',
  ready: 'ready',
  blocked: 'blocked',
};

/**
 * Text that can sit in a table cell or a line of prose without becoming markup: the
 * characters markdown reads as syntax are escaped, `|` so the table keeps its columns,
 * and line breaks become spaces.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n|\r/g, ' ')
    .replace(/([\\`*_[\]{}<>|~&])/g, '\\$1')
    // Only at the start does `#` make a heading, `-` or `1.` a list item.
    .replace(/^(\s*)(#|[-+](?=\s)|\d+\.(?=\s))/, '$1\\$2');
}

/** A path as a link target: each segment percent-encoded where markdown or URLs would misread it. */
function linkTarget(path: string, base: string, line?: number | null): string {
  const encoded = path
    .split('/')
    .map((part) => encodeURIComponent(part).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
  return `${base}${encoded}${line !== undefined && line !== null ? `#L${line + 1}` : ''}`;
}

function fileLink(text: string, path: string, base: string, line?: number | null): string {
  return `[${escapeMarkdown(text)}](${linkTarget(path, base, line)})`;
}

function issueLink(issue: ReportIssue): string {
  return issue.url !== null && /^https?:\/\//.test(issue.url) ? `[#${issue.number}](${issue.url.replace(/[()\s]/g, encodeURIComponent)})` : `#${issue.number}`;
}

function progressText(p: ReportProgress): string {
  return `${p.done}/${p.total} (${p.percent}%)`;
}

function hoursText(hours: ReportHours): string {
  const n = (h: number) => `${Number.isInteger(h) ? h : h.toFixed(1)}h`;
  const missing = hours.unestimated + hours.unreadable;
  const note = missing > 0 ? ` (${missing} task${missing === 1 ? '' : 's'} without a readable estimate, counted as ${n(hours.countedAs)} each)` : '';
  return `${n(hours.done)} done, ${n(hours.remaining)} remaining of ${n(hours.total)}${note}`;
}

function statusText(status: ReportStatus): string {
  const written = status.written ?? STATE_WORDS[status.state];
  return status.conflict !== null && status.tasksState !== null ? `${written} (tasks: ${STATE_WORDS[status.tasksState]})` : written;
}

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

function burndownLines(series: BurndownSeries): string[] {
  // A table of every day is too long to paste; the first and last day and each change are enough.
  const rows = series.points.filter((p, i, all) => i === 0 || i === all.length - 1 || p.remaining !== all[i - 1].remaining || p.total !== all[i - 1].total);
  return [
    '## Burndown',
    '',
    ...table(
      ['Day', 'Done', 'Remaining', 'Total', 'Ideal'],
      rows.map((p) => [p.date, String(p.done), String(p.remaining), String(p.total), p.ideal === null ? '' : String(p.ideal)]),
    ),
    '',
  ];
}

/** One epic's report as markdown. */
export function epicReportMarkdown(report: EpicReport, options: ReportMarkdownOptions = {}): string {
  const base = options.linkBase ?? '';
  const lines: string[] = [`# ${escapeMarkdown(report.title || report.id)}`, ''];
  const c = report.counts;
  lines.push(
    `**${progressText(report.progress)} done** · ${c.inProgress} in progress · ${c.ready} ready · ${c.blocked} blocked · ${c.total} task${c.total === 1 ? '' : 's'}`,
    '',
  );
  const facts = [
    `Status: ${escapeMarkdown(statusText(report.status))}`,
    report.prd && `PRD: ${report.prd.path !== null ? fileLink(report.prd.id ?? report.prd.written, report.prd.path, base, null) : `${escapeMarkdown(report.prd.written)}${report.prd.found === false ? ' (not found)' : ''}`}`,
    report.start && `Start: ${escapeMarkdown(report.start.written)}`,
    report.target && `Target: ${escapeMarkdown(report.target.written)}`,
    report.owner && `Owner: ${escapeMarkdown(report.owner)}`,
    report.issue && `Issue: ${issueLink(report.issue)}`,
    `File: ${fileLink(report.path, report.path, base, null)}`,
  ].filter((f): f is string => typeof f === 'string' && f !== '');
  lines.push(facts.join(' · '), '');
  if (report.status.conflictText !== null) lines.push(`> ${escapeMarkdown(report.status.conflictText)}`, '');
  lines.push(`Hours: ${hoursText(report.hours)}`, '');

  if (report.next !== null) {
    lines.push('## Next', '', `${fileLink(`${report.next.label} ${report.next.title}`.trim(), report.next.path, base, report.next.line)}: ${escapeMarkdown(report.next.reason)}`, '');
  } else if (report.nothingReady !== null) {
    lines.push('## Next', '', escapeMarkdown(report.nothingReady), '');
  }
  if (report.ready.length > 0) {
    lines.push('## Ready', '');
    report.ready.forEach((r, i) => lines.push(`${i + 1}. ${fileLink(`${r.label} ${r.title}`.trim(), r.path, base, r.line)}${r.onCriticalPath ? ' (critical path)' : ''}`));
    lines.push('');
  }
  if (report.blocked.length > 0) {
    lines.push('## Blocked', '');
    for (const b of report.blocked) lines.push(`- ${fileLink(`${b.label} ${b.title}`.trim(), b.path, base, b.line)}: ${escapeMarkdown(b.blockers.map((x) => x.text).join('; '))}`);
    lines.push('');
  }
  if (report.groups.length > 0) {
    lines.push('## Groups', '', ...table(['Group', 'Done', 'Progress'], report.groups.map((g) => [escapeMarkdown(g.name), `${g.done}/${g.total}`, `${g.percent}%`])), '');
  }
  if (report.milestones.length > 0) {
    lines.push(
      '## Milestones',
      '',
      ...table(
        ['Milestone', 'When', 'Date', 'Done', 'Progress'],
        report.milestones.map((m) => [
          `${escapeMarkdown(m.id)} ${escapeMarkdown(m.title)}${m.unknownTaskIds.length > 0 ? ` (unknown tasks: ${escapeMarkdown(m.unknownTaskIds.join(', '))})` : ''}`,
          escapeMarkdown(m.when ?? ''),
          m.date ?? '',
          `${m.done}/${m.total}`,
          m.total === 0 ? '' : `${m.percent}%`,
        ]),
      ),
      '',
    );
  }
  if (report.criticalPath.length > 0) lines.push('## Critical path', '', escapeMarkdown(report.criticalPath.join(' → ')), '');
  if (report.tasks.length > 0) {
    lines.push(
      '## Tasks',
      '',
      ...table(
        ['Task', 'State', 'Estimate', 'Group', 'Issue', 'Depends on'],
        report.tasks.map((t) => [
          fileLink(`${t.label} ${t.title}`.trim(), t.path, base, t.line),
          STATE_WORDS[t.state],
          escapeMarkdown(t.estimate ?? ''),
          escapeMarkdown(t.group ?? ''),
          t.issue ? issueLink(t.issue) : '',
          escapeMarkdown(t.dependsOn.join(', ')),
        ]),
      ),
      '',
    );
  } else {
    lines.push('This epic has no tasks yet.', '');
  }
  if (report.burndown !== null) lines.push(...burndownLines(report.burndown));
  return lines.join('\n');
}

function deliverableCells(row: DeliverableRow, base: string): string[] {
  return [
    row.category,
    fileLink(row.category === 'Spec' ? row.title : `${row.id} ${row.title}`.trim(), row.path, base, row.category === 'Task' ? row.line : null),
    escapeMarkdown(row.status ?? ''),
    escapeMarkdown(row.owner ?? ''),
    escapeMarkdown(row.size?.text ?? ''),
  ];
}

/** The project report as markdown. */
export function projectReportMarkdown(report: ProjectReport, options: ReportMarkdownOptions = {}): string {
  const base = options.linkBase ?? '';
  const lines: string[] = ['# Project report', ''];
  const c = report.counts;
  lines.push(`**${progressText(report.progress)} done** · ${c.inProgress} in progress · ${c.ready} ready · ${c.blocked} blocked`, '');
  lines.push(`Hours: ${hoursText(report.hours)}`, '');
  if (report.next !== null) {
    lines.push(`Next: ${fileLink(`${report.next.label} ${report.next.title}`.trim(), report.next.path, base, report.next.line)} (${escapeMarkdown(report.next.epicId)}): ${escapeMarkdown(report.next.reason)}`, '');
  }
  if (report.standup !== null) lines.push('## Standup', '', ...standupSections(report.standup, 3));
  const epicById = new Map(report.epics.map((e) => [e.id, e]));
  const epicRow = (id: string) => {
    const e = epicById.get(id)!;
    return [fileLink(e.title || e.id, e.path, base, null), escapeMarkdown(statusText(e.status)), progressText(e.progress), `${e.counts.ready}`, `${e.counts.blocked}`];
  };
  if (report.prds.length > 0) {
    lines.push('## PRDs', '');
    for (const prd of report.prds) {
      lines.push(`### ${fileLink(`${prd.id}: ${prd.title}`, prd.path, base, null)}`, '');
      lines.push(`Status: ${escapeMarkdown(statusText(prd.status))}${prd.owner ? ` · Owner: ${escapeMarkdown(prd.owner)}` : ''} · ${progressText(prd.progress)} done`, '');
      if (prd.epicIds.length === 0) lines.push('No epics yet.', '');
      else lines.push(...table(['Epic', 'Status', 'Done', 'Ready', 'Blocked'], prd.epicIds.map(epicRow)), '');
    }
  }
  const orphans = [...report.epicsWithoutPrd, ...report.epicsWithUnknownPrd];
  if (orphans.length > 0) {
    lines.push('## Epics without a PRD', '', ...table(['Epic', 'Status', 'Done', 'Ready', 'Blocked'], orphans.map(epicRow)), '');
    const unknown = report.epics.filter((e) => report.epicsWithUnknownPrd.includes(e.id));
    for (const e of unknown) lines.push(`- ${escapeMarkdown(e.id)} names PRD "${escapeMarkdown(e.prd!.written)}", which was not found.`);
    if (unknown.length > 0) lines.push('');
  }
  if (report.deliverables.length > 0) {
    lines.push('## Deliverables', '', ...table(['Category', 'Deliverable', 'Status', 'Owner', 'Size'], report.deliverables.map((r) => deliverableCells(r, base))), '');
  }
  const map = report.roadmap;
  if (map.epics.length > 0 || map.milestones.length > 0 || map.unscheduled.length > 0) {
    lines.push('## Roadmap', '');
    if (map.epics.length > 0 || map.milestones.length > 0) {
      const rows = [
        ...map.epics.map((e) => ({ day: e.start ?? e.end!, cells: [e.start ?? '', e.end ?? '', `Epic ${fileLink(e.title || e.epicId, e.path, base, null)}${e.note ? ` (${escapeMarkdown(e.note)})` : ''}`, `${e.percent}%`] })),
        ...map.milestones.map((m) => ({ day: m.date, cells: [m.date, '', `${escapeMarkdown(m.id)} ${escapeMarkdown(m.title)} (${escapeMarkdown(m.epicId)})`, m.total === 0 ? '' : `${m.percent}%`] })),
      ].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
      lines.push(...table(['From', 'To', 'What', 'Progress'], rows.map((r) => r.cells)), '');
    }
    if (map.unscheduled.length > 0) {
      lines.push('Not scheduled:', '');
      for (const u of map.unscheduled) lines.push(`- ${u.kind === 'epic' ? 'Epic' : 'Milestone'} ${escapeMarkdown(u.kind === 'epic' ? u.id : `${u.id} ${u.title} (${u.epicId})`)}: ${escapeMarkdown(u.reason)}`);
      lines.push('');
    }
  }
  if (report.burndown !== null) lines.push(...burndownLines(report.burndown));
  return lines.join('\n');
}
