import 'global-jsdom/register';
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import type { EpicReport, ProjectReport } from '../../../src/core/report';
import { buildEpicReport, buildProjectReport } from '../../../src/core/report';
import type { ReportFromWebview, ReportRenderedMessage, ReportScope, ReportToWebview, ReportWebviewState } from '../../../src/shared/reportProtocol';
import { EpicReportView, ProjectReportView, ReportApp } from '../../../webview-ui/report/ReportApp';
import { examplesDir, fixturesDir, indexOf, read } from '../helpers';

const FOLDER = 'file:///work/examples';
const EPIC_001 = 'epics/epic-001-link-shortener.md';
const UGLY = join(fixturesDir, 'report', 'ugly');

/** A channel like VS Code's, that keeps what the app posts and saves. */
function fakeChannel(saved?: ReportWebviewState) {
  const posted: ReportFromWebview[] = [];
  let state = saved;
  return {
    posted,
    state: () => state,
    channel: { post: (m: ReportFromWebview) => posted.push(m), state: () => state, saveState: (s: ReportWebviewState) => (state = s) },
  };
}

/** What the views are given to open files and issues, recording what they were asked. */
function recordingLinks() {
  const files: Array<[string, number | null]> = [];
  const urls: string[] = [];
  return { files, urls, links: { file: (path: string, line: number | null) => files.push([path, line]), url: (url: string) => urls.push(url) } };
}

/** What the host posts, delivered as VS Code delivers it: a message event on the window. */
function hostSays(message: ReportToWebview) {
  act(() => {
    window.dispatchEvent(new window.MessageEvent('message', { data: message }));
  });
}

async function epicReport(epicId = 'epic-001-link-shortener'): Promise<EpicReport> {
  const index = await indexOf(examplesDir);
  const epic = index.epic(epicId)!;
  return buildEpicReport(epic, { prds: index.prds, analysis: index.analysis(epic) });
}

async function projectReport(dir = examplesDir): Promise<ProjectReport> {
  const index = await indexOf(dir);
  return buildProjectReport(
    { prds: index.prds, epics: index.allEpics },
    { analysis: (e) => index.analysis(e), readText: (p) => (existsSync(join(dir, p)) ? read(dir, p) : undefined) },
  );
}

function sendReport(report: EpicReport | ProjectReport, revision = 1) {
  const scope: ReportScope = report.kind === 'epic' ? { kind: 'epic', folder: FOLDER, epicPath: report.path } : { kind: 'project', folder: FOLDER };
  hostSays({ type: 'report', scope, report, historySource: 'file-dates', revision });
}

const text = (element: Element) => element.textContent!.replace(/\s+/g, ' ').trim();
const region = (name: string) => within(screen.getByRole('region', { name }));
const tile = (state: string) => document.querySelector(`[data-count="${state}"] .tile-value`)!.textContent;
/** The table rows of a section, typed as rows (for their cells). */
const rows = (name: string) => region(name).getAllByRole('row') as HTMLTableRowElement[];
const taskRow = (id: string) => document.querySelector<HTMLTableRowElement>(`tr[data-task="${id}"]`)!;

afterEach(cleanup);

describe('Report webview: an epic', () => {
  test('says ready first, then shows the epic’s title, status, progress and counts, and reports the draw', async () => {
    const fake = fakeChannel();
    render(<ReportApp channel={fake.channel} />);
    assert.deepEqual(fake.posted, [{ type: 'ready' }]);
    assert.ok((screen.getByRole('button', { name: 'Export as Markdown' }) as HTMLButtonElement).disabled);

    sendReport(await epicReport(), 5);
    assert.equal(screen.getByRole('heading', { level: 1 }).textContent, 'Link Shortener Service');
    assert.equal(screen.getByRole('toolbar').querySelector('.title')!.textContent, 'Link Shortener Service');
    assert.equal(text(document.querySelector('header p.muted')!), 'Status: In Progress · PRD: Link Shortener Service · Start: 2026-03-09 · Target: 2026-03-20');
    assert.deepEqual(['done', 'in-progress', 'ready', 'blocked'].map(tile), ['2', '1', '1', '6']);
    const progress = screen.getByRole('progressbar', { name: 'Tasks done' });
    assert.deepEqual([progress.getAttribute('aria-valuenow'), progress.getAttribute('aria-valuemax')], ['2', '10']);
    assert.equal(text(document.querySelector('.hours')!), '5h done · 26h remaining of 31h');

    const rendered = fake.posted.filter((m): m is ReportRenderedMessage => m.type === 'rendered');
    assert.deepEqual(rendered.map((m) => [m.revision, typeof m.ms]), [[5, 'number']]);
    assert.equal(fake.posted.length, 2);
    assert.deepEqual(fake.state(), { scope: { kind: 'epic', folder: FOLDER, epicPath: EPIC_001 } });
  });

  test('draws the report the host wrote into the page before saying ready, and takes it once', async () => {
    const report = await epicReport();
    const embedded: ReportToWebview = { type: 'report', scope: { kind: 'epic', folder: FOLDER, epicPath: report.path }, report, historySource: 'pending', revision: 3 };
    const data = document.createElement('script');
    data.type = 'application/json';
    data.id = 'autopm-initial';
    // What the host writes: `<` escaped, so a title cannot close the element.
    data.textContent = JSON.stringify([embedded, { notAMessage: true }]).replace(/</g, '\\u003c');
    document.body.append(data);
    const fake = fakeChannel();
    render(<ReportApp channel={fake.channel} />);
    assert.equal(screen.getByRole('heading', { level: 1 }).textContent, 'Link Shortener Service');
    assert.equal(document.getElementById('autopm-initial'), null);
    assert.deepEqual(fake.posted.map((m) => [m.type, m.type === 'rendered' ? m.revision : null]), [['ready', null], ['rendered', 3]]);
    cleanup();
    // A second app on the same page (a test, a remount) starts empty: the data was taken.
    const second = fakeChannel();
    render(<ReportApp channel={second.channel} />);
    assert.equal(screen.queryByRole('heading', { level: 1 }), null);
    assert.deepEqual(second.posted, [{ type: 'ready' }]);
  });

  test('the tasks table has a row per task with its state badge, estimate, issue and dependencies', async () => {
    render(<ReportApp channel={fakeChannel().channel} />);
    sendReport(await epicReport());
    assert.deepEqual(rows('Tasks').slice(1).map((r) => r.getAttribute('data-task')), ['T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T8', 'T9', 'T10']);
    const badge = (id: string) => taskRow(id).querySelector('.state-badge')!;
    assert.deepEqual(['T1', 'T3', 'T5', 'T6'].map((id) => [badge(id).textContent, badge(id).className]), [
      ['Done', 'state-badge state-done'],
      ['In progress', 'state-badge state-in-progress'],
      ['Blocked', 'state-badge state-blocked'],
      ['Ready', 'state-badge state-ready'],
    ]);
    assert.deepEqual([...taskRow('T5').cells].map(text), ['T5 Create, update and disable links', 'Blocked', '4 hours', '', 'T3, T6']);
    assert.deepEqual([...taskRow('T3').cells].map(text), ['T3 Link table and slug generator · critical', 'In progress', '3 hours', '#103', 'T2']);
    // No repository for epic 001's issues: the number, not a link.
    assert.equal(taskRow('T3').cells[3].querySelector('a'), null);
  });

  test('the next task with why, and the blocked tasks with what they wait for', async () => {
    render(<ReportApp channel={fakeChannel().channel} />);
    const report = await epicReport();
    sendReport(report);
    assert.equal(
      text(region('Next').getByRole('paragraph')),
      'T6 Single sign-on for the management API · Ready: its dependency (T1) is done; estimate 3 hours; 7h of work on its longest chain; unblocks 1 task.',
    );
    const blocked = region('Blocked').getAllByRole('listitem').map(text);
    assert.equal(blocked.length, 6);
    assert.equal(blocked[0], 'T4 Redirect endpoint with Redis cache · Blocked: T3 Link table and slug generator is in progress.');
    assert.equal(blocked[1], 'T5 Create, update and disable links · Blocked: T3 Link table and slug generator is in progress and T6 Single sign-on for the management API is not started.');
    assert.deepEqual(rows('Milestones').map((r) => text(r.cells[0])), ['M1', 'M2', 'M3', 'M4']);
    assert.equal(text(rows('Milestones')[1].cells[2]), 'Day 5 · 2026-03-13');
    assert.deepEqual(rows('Groups').map((r) => text(r.cells[0])), ['Foundation', 'Redirects', 'Management API', 'Analytics', 'Release']);
  });

  test('links open the task’s line, the epic’s title, or the issue in the browser', async () => {
    const fake = fakeChannel();
    render(<ReportApp channel={fake.channel} />);
    sendReport(await epicReport());
    fireEvent.click(within(taskRow('T5')).getByRole('link'));
    assert.deepEqual(fake.posted.at(-1), { type: 'openFile', folder: FOLDER, path: EPIC_001, line: 38 });
    fireEvent.click(region('Next').getByRole('link'));
    assert.deepEqual(fake.posted.at(-1), { type: 'openFile', folder: FOLDER, path: EPIC_001, line: 42 });
    fireEvent.click(within(screen.getByRole('heading', { level: 1 })).getByRole('link'));
    assert.deepEqual(fake.posted.at(-1), { type: 'openFile', folder: FOLDER, path: EPIC_001, line: 0 });

    sendReport(await epicReport('team-calendar'), 2);
    fireEvent.click(within(taskRow('44')).getByRole('link', { name: '#44' }));
    assert.deepEqual(fake.posted.at(-1), { type: 'openUrl', url: 'https://github.com/acme/calendar/issues/44' });
    fireEvent.click(within(taskRow('44')).getByRole('link', { name: '#44 Week view' }));
    assert.deepEqual(fake.posted.at(-1), { type: 'openFile', folder: FOLDER, path: '.claude/epics/team-calendar/44.md', line: 1 });
  });

  test('Export as Markdown asks the host for the export', async () => {
    const fake = fakeChannel();
    render(<ReportApp channel={fake.channel} />);
    sendReport(await epicReport());
    fireEvent.click(screen.getByRole('button', { name: 'Export as Markdown' }));
    assert.deepEqual(fake.posted.at(-1), { type: 'exportMarkdown' });
  });

  test('each update is drawn and reported with its revision', async () => {
    const fake = fakeChannel();
    render(<ReportApp channel={fake.channel} />);
    sendReport(await epicReport(), 1);
    sendReport(await epicReport('team-calendar'), 2);
    assert.equal(screen.getByRole('heading', { level: 1 }).textContent, 'team-calendar');
    assert.deepEqual(fake.posted.filter((m): m is ReportRenderedMessage => m.type === 'rendered').map((m) => m.revision), [1, 2]);
    assert.deepEqual(fake.state(), { scope: { kind: 'epic', folder: FOLDER, epicPath: '.claude/epics/team-calendar/epic.md' } });
  });

  test('an epic with nothing ready says why, and has no Blocked section when nothing is blocked', async () => {
    // The example epic, as its report reads once its open work is cleared away.
    const report: EpicReport = { ...(await epicReport()), next: null, ready: [], blocked: [], nothingReady: 'Every task is done.' };
    render(<EpicReportView report={report} links={recordingLinks().links} theme="light" historySource="file-dates" />);
    assert.equal(text(region('Next').getByRole('paragraph')), 'Every task is done.');
    assert.equal(screen.queryByRole('region', { name: 'Blocked' }), null);
  });
});

describe('Report webview: the project', () => {
  test('PRDs with their epics, the next task, the deliverables, and the project scope saved', async () => {
    const fake = fakeChannel();
    render(<ReportApp channel={fake.channel} />);
    sendReport(await projectReport());
    assert.equal(screen.getByRole('heading', { level: 1 }).textContent, 'Project status');
    assert.equal(screen.getByRole('toolbar').querySelector('.title')!.textContent, 'Project status');
    assert.deepEqual(['done', 'in-progress', 'ready', 'blocked'].map(tile), ['4', '2', '2', '8']);
    assert.match(text(document.querySelector('header .next')!), /^Next: T6 Single sign-on for the management API \(epic-001-link-shortener\) · Ready: /);

    const prds = region('PRDs');
    assert.deepEqual(prds.getAllByRole('heading', { level: 3 }).map(text), ['Team Calendar · backlog', 'Link Shortener Service · Approved']);
    const epicRows = rows('PRDs').map((r) => [...r.cells].map(text));
    assert.deepEqual(epicRows, [
      ['team-calendar', '2/6 · 33%', '1 ready · 2 blocked'],
      ['Link Shortener Service', '2/10 · 20%', '1 ready · 6 blocked'],
    ]);

    // An epic's tasks are listed once it is opened.
    const collapsed = rows('Deliverables').slice(1);
    assert.equal(collapsed.length, 4);
    assert.deepEqual(
      collapsed.slice(0, 2).map((r) => [r.getAttribute('data-category'), ...[...r.cells].map(text)]),
      [
        ['PRD', 'PRD', 'Team Calendar', 'backlog', '', '6 tasks in 1 epic'],
        ['Epic', 'Epic', 'team-calendar show 6 tasks', 'in-progress', '', '6 tasks'],
      ],
    );
    fireEvent.click(within(collapsed[1]).getByRole('link', { name: 'show 6 tasks' }));
    const shortener = rows('Deliverables').find((r) => r.getAttribute('data-category') === 'Epic' && text(r.cells[1]).startsWith('Link Shortener Service'))!;
    fireEvent.click(within(shortener).getByRole('link', { name: 'show 10 tasks' }));
    const deliverables = rows('Deliverables').slice(1);
    assert.equal(deliverables.length, 4 + 16);
    assert.deepEqual([deliverables[2].getAttribute('data-category'), ...[...deliverables[2].cells].map(text)], ['Task', 'Task', 'Events schema and migrations', 'closed', '', '']);
    assert.equal(text(within(deliverables[1]).getByRole('link', { name: 'hide tasks' })), 'hide tasks');
    const t1 = deliverables.find((r) => text(r.cells[1]) === 'Scaffold the Fastify service')!;
    assert.deepEqual([...t1.cells].map(text), ['Task', 'Scaffold the Fastify service', 'done', 'node-backend-engineer', '2 hours']);
    assert.equal(t1.cells[1].className, 'child');
    assert.equal(deliverables[0].cells[1].className, '');

    fireEvent.click(within(t1).getByRole('link'));
    assert.deepEqual(fake.posted.at(-1), { type: 'openFile', folder: FOLDER, path: EPIC_001, line: 15 });
    fireEvent.click(prds.getByRole('link', { name: 'Team Calendar' }));
    assert.deepEqual(fake.posted.at(-1), { type: 'openFile', folder: FOLDER, path: '.claude/prds/team-calendar.md', line: 7 });
    assert.deepEqual(fake.state(), { scope: { kind: 'project', folder: FOLDER } });
  });

  test('what the roadmap cannot place is listed with why; a PRD with no epic and epics with no PRD are said', async () => {
    const { files, links } = recordingLinks();
    const report = await projectReport(UGLY);
    render(<ProjectReportView report={report} links={links} theme="light" historySource="file-dates" />);
    assert.deepEqual(region('Roadmap').getAllByRole('listitem').map(text), [
      // Dated epics whose dates say something is wrong, with what.
      'Empty: The target (2026-02-20) is before the start (2026-03-02).',
      'Search: The start date "next week" is not a date.',
      'bare not on the time line: The start date "not a date" is not a date.',
      'Indexing (T1, T7) not on the time line: The epic\'s start date "next week" is not a date, so Day 3 cannot be placed.',
      'Whenever (Task 2) not on the time line: No date is given.',
      'Ranking (Task 3) not on the time line: "Sprint 2" is neither a day number nor a date.',
      'No dates not on the time line: No start or target date is given.',
    ]);
    fireEvent.click(region('Roadmap').getByRole('link', { name: 'Whenever (Task 2)' }));
    assert.deepEqual(files.at(-1), ['epics/epic-001-search.md', 26]);

    const prds = region('PRDs');
    assert.deepEqual(prds.getAllByRole('heading', { level: 3 }).map(text), ['Search · Draft', 'Lonely · Approved']);
    assert.equal(text(prds.getAllByRole('table')[1]), 'No epic yet.');
    assert.equal(text(prds.getByText(/^Epics with no PRD/)), 'Epics with no PRD: bare, epic-003-nodates');

    // A spec file has no line to open: the top of the file.
    const spec = rows('Deliverables').find((r) => r.getAttribute('data-category') === 'Spec')!;
    fireEvent.click(within(spec).getByRole('link'));
    assert.deepEqual(files.at(-1), ['docs/search-api.md', null]);
  });

  test('a spec link posts line 0 to the host', async () => {
    const fake = fakeChannel();
    render(<ReportApp channel={fake.channel} />);
    sendReport(await projectReport(UGLY));
    const spec = rows('Deliverables').find((r) => r.getAttribute('data-category') === 'Spec')!;
    fireEvent.click(within(spec).getByRole('link'));
    assert.deepEqual(fake.posted.at(-1), { type: 'openFile', folder: FOLDER, path: 'docs/search-api.md', line: 0 });
  });

  test('a project with no dated epic says so in place of the roadmap', () => {
    render(<ProjectReportView report={buildProjectReport({ prds: [], epics: [] })} links={recordingLinks().links} theme="light" historySource="file-dates" />);
    assert.equal(text(region('Roadmap').getByRole('paragraph')), 'No epic has a start or a target date.');
    assert.equal(rows('Deliverables').length, 1);
  });
});

describe('Report webview: a report whose plan is gone', () => {
  test('shows the banner with the host’s message, and a new report clears it', async () => {
    render(<ReportApp channel={fakeChannel().channel} />);
    sendReport(await epicReport());
    hostSays({ type: 'gone', message: 'This epic is no longer in the workspace: its file was moved or deleted.' });
    const alert = screen.getByRole('alert');
    assert.equal(alert.querySelector('strong')!.textContent, 'Nothing to report');
    assert.equal(alert.querySelector('pre')!.textContent, 'This epic is no longer in the workspace: its file was moved or deleted.');
    sendReport(await epicReport(), 2);
    assert.equal(screen.queryByRole('alert'), null);
  });
});
