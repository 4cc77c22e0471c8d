import 'global-jsdom/register';
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import type { ChartConfiguration } from 'chart.js';
import { buildSprintReport } from '../../../src/core/sprintReport';
import type { SprintReport } from '../../../src/core/sprintReport';
import { sprintStatus } from '../../../src/core/sprintStatus';
import type { SprintFromWebview, SprintToWebview, SprintWebviewState } from '../../../src/shared/sprintProtocol';
import { BurndownChart } from '../../../webview-ui/shared/BurndownChart';
import { SprintApp } from '../../../webview-ui/sprint/SprintApp';
import { SprintReportView } from '../../../webview-ui/sprint/SprintReportView';
import { fixturesDir, indexOf } from '../helpers';

const FOLDER = 'file:///work/shop';

async function fixtureReport(today = '2026-03-17'): Promise<SprintReport> {
  const index = await indexOf(join(fixturesDir, 'sprints', 'workspace'));
  const sprint = index.sprints.find((s) => s.id === 'sprint-4')!;
  return buildSprintReport(sprintStatus(sprint, index, today), index, {
    completedOn: new Map([['checkout-flow:101', '2026-03-11']]),
    scopeAtStart: ['checkout-flow:101', 'checkout-flow:102', 'checkout-flow:104', 'epic-001-task-api:T1', 'epic-001-task-api:T2', 'epic-001-task-api:T3', 'epic-001-task-api:T4', 'old-epic:7'],
    history: 'file-dates',
  });
}

/** A stand-in for chart.js (jsdom has no canvas): it keeps what it was asked to draw. */
function recordingChart() {
  const drawn: Array<ChartConfiguration<'line'>> = [];
  let destroyed = 0;
  return {
    drawn,
    destroyed: () => destroyed,
    draw: (_canvas: HTMLCanvasElement, config: ChartConfiguration<'line'>) => {
      drawn.push(config);
      return { destroy: () => destroyed++ };
    },
  };
}

function fakeChannel() {
  const posted: SprintFromWebview[] = [];
  let state: SprintWebviewState | undefined;
  return { posted, state: () => state, channel: { post: (m: SprintFromWebview) => posted.push(m), state: () => state, saveState: (s: SprintWebviewState) => (state = s) } };
}

function fromHost(message: SprintToWebview): void {
  act(() => {
    window.dispatchEvent(new window.MessageEvent('message', { data: message }));
  });
}

afterEach(() => cleanup());

describe('SprintReportView', () => {
  test('the header, counts and progress say where the sprint is', async () => {
    const report = await fixtureReport();
    const chart = recordingChart();
    render(<SprintReportView report={report} onOpen={() => {}} onOpenUrl={() => {}} drawChart={chart.draw} />);
    assert.equal(screen.getByRole('heading', { level: 1 }).textContent?.trim(), 'Sprint 4');
    screen.getByText('2026-03-09 → 2026-03-20');
    screen.getByText('3 days left');
    screen.getByText('Customers can pay for what is in their cart');
    const counts = within(screen.getByRole('region', { name: 'Counts' }));
    const tile = (name: string) => counts.getByText(name).parentElement!.querySelector('.value')!.textContent;
    assert.deepEqual(['Scope', 'Done', 'Remaining', 'In progress', 'Blocked', 'At risk'].map(tile), ['8', '3', '5', '1', '2', '1']);
    const progress = screen.getByRole('progressbar');
    assert.equal(progress.getAttribute('aria-valuenow'), '3');
    assert.equal(progress.getAttribute('aria-valuemax'), '8');
  });

  test('the burndown is drawn against the ideal line, with the same numbers in a table for screen readers', async () => {
    const report = await fixtureReport();
    const chart = recordingChart();
    const draws: number[] = [];
    render(<SprintReportView report={report} onOpen={() => {}} onOpenUrl={() => {}} drawChart={chart.draw} onChartDrawn={(n) => draws.push(n)} />);
    assert.equal(chart.drawn.length, 1);
    const [config] = chart.drawn;
    assert.deepEqual(config.data.labels, report.burndown.dates);
    assert.deepEqual(config.data.datasets.map((d) => d.label), ['Remaining tasks', 'Ideal']);
    assert.deepEqual(config.data.datasets[0].data, report.burndown.remaining);
    assert.deepEqual(config.data.datasets[1].data, report.burndown.ideal);
    assert.deepEqual(draws, [9]);
    const canvas = screen.getByRole('img', { name: /^Burndown of Sprint 4/ });
    assert.equal(canvas.tagName, 'CANVAS');
    assert.equal(canvas.querySelectorAll('tbody tr').length, 9);
  });

  test('remaining, blocked with what they wait for, at risk, and the scope change since the start', async () => {
    const report = await fixtureReport();
    const opened: Array<[string, number]> = [];
    const urls: string[] = [];
    render(<SprintReportView report={report} onOpen={(p, l) => opened.push([p, l])} onOpenUrl={(u) => urls.push(u)} drawChart={recordingChart().draw} />);
    const rows = (name: string) => within(screen.getByRole('region', { name: new RegExp(`^${name}`) })).getAllByRole('row').slice(1).map((r) => r.textContent!.replace(/\s+/g, ' ').trim());
    assert.equal(rows('Remaining').length, 5);
    assert.deepEqual(rows('Blocked'), ['checkout-flow:103 Address validation102 Payment form is in progress', 'epic-001-task-api:T4 Task endpointsT3 Users API is not done'.replace('Users API', report.tasks.find((t) => t.key === 'epic-001-task-api:T3')!.title)]);
    assert.deepEqual(rows('At risk'), ['checkout-flow:104 Order confirmation email40 h24 h']);
    assert.deepEqual(rows('Changed since the start'), ['Addedcheckout-flow:103 Address validation', 'Removedold-epic:7']);

    fireEvent.click(within(screen.getByRole('region', { name: /^Blocked/ })).getByText('checkout-flow:103'));
    const task = report.tasks.find((t) => t.key === 'checkout-flow:103')!;
    assert.deepEqual(opened, [[task.path, task.line]]);
    fireEvent.click(within(screen.getByRole('region', { name: /^Remaining/ })).getByText('#103'));
    assert.deepEqual(urls, ['https://github.com/acme/shop/issues/103']);
  });

  test('a sprint that has not started says when its burndown begins', async () => {
    const report = await fixtureReport('2026-03-01');
    const chart = recordingChart();
    render(<SprintReportView report={report} onOpen={() => {}} onOpenUrl={() => {}} drawChart={chart.draw} />);
    screen.getByText('The burndown starts on the sprint’s first day.');
    assert.equal(chart.drawn.length, 0);
  });
});

describe('BurndownChart', () => {
  test('takes plain series, draws again when they change, and destroys the old chart', () => {
    const chart = recordingChart();
    const { rerender } = render(<BurndownChart dates={['d1', 'd2']} remaining={[4, 2]} ideal={[4, 0]} label="Burndown" unit="hours" draw={chart.draw} />);
    assert.equal(chart.drawn.length, 1);
    assert.equal(chart.drawn[0].data.datasets[0].label, 'Remaining hours');
    rerender(<BurndownChart dates={['d1', 'd2', 'd3']} remaining={[4, 2, 1]} label="Burndown" draw={chart.draw} />);
    assert.equal(chart.drawn.length, 2);
    assert.equal(chart.destroyed(), 1);
    assert.deepEqual(chart.drawn[1].data.datasets.map((d) => d.label), ['Remaining tasks'], 'no ideal line when none is given');
  });

  test('redraws when the editor theme changes, with the colours of the new theme', async () => {
    const chart = recordingChart();
    document.body.style.setProperty('--vscode-charts-blue', '#0000ff');
    render(<BurndownChart dates={['d1']} remaining={[1]} label="Burndown" draw={chart.draw} />);
    assert.equal(chart.drawn[0].data.datasets[0].borderColor, '#0000ff');
    document.body.style.setProperty('--vscode-charts-blue', '#88aaff');
    await act(async () => {
      document.body.classList.add('vscode-dark');
      await new Promise((r) => setTimeout(r, 0));
    });
    assert.equal(chart.drawn.length, 2);
    assert.equal(chart.drawn[1].data.datasets[0].borderColor, '#88aaff');
    document.body.classList.remove('vscode-dark');
  });
});

describe('SprintApp', () => {
  test('says ready, draws what the host posts, keeps its scope for a reload, and reports the draw', async () => {
    const report = await fixtureReport();
    const fake = fakeChannel();
    render(<SprintApp channel={fake.channel} drawChart={recordingChart().draw} />);
    assert.deepEqual(fake.posted, [{ type: 'ready' }]);
    screen.getByText('Loading the sprint…');
    fromHost({ type: 'sprint', scope: { folder: FOLDER, sprintId: 'sprint-4' }, report, revision: 1 });
    screen.getByRole('heading', { name: 'Sprint 4' });
    assert.deepEqual(fake.state(), { scope: { folder: FOLDER, sprintId: 'sprint-4' } });
    assert.deepEqual(fake.posted.slice(1), [{ type: 'rendered', revision: 1, points: 9 }]);
    fireEvent.click(screen.getByText('Open sprint file'));
    assert.deepEqual(fake.posted.at(-1), { type: 'openFile', folder: FOLDER, path: report.path, line: 0 });
    fromHost({ type: 'gone', message: 'Sprint sprint-4 is no longer in the workspace.' });
    screen.getByRole('alert');
  });
});
