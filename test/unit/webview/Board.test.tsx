import 'global-jsdom/register';
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { BoardFilter, BoardModel, BoardScope } from '../../../src/core/board';
import { buildBoard } from '../../../src/core/board';
import type { BoardFromWebview, BoardPanelScope, BoardToWebview, BoardWebviewState } from '../../../src/shared/boardProtocol';
import { BoardApp } from '../../../webview-ui/board/BoardApp';
import { examplesDir, fixturesDir, indexOf } from '../helpers';

const FOLDER = 'file:///work/examples';
const EPIC_001 = 'epics/epic-001-link-shortener.md';

/** A channel like VS Code's, that keeps what the app posts and saves. */
function fakeChannel(saved?: BoardWebviewState) {
  const posted: BoardFromWebview[] = [];
  let state = saved;
  return {
    posted,
    state: () => state,
    channel: { post: (m: BoardFromWebview) => posted.push(m), state: () => state, saveState: (s: BoardWebviewState) => (state = s) },
  };
}

/** What the host posts, delivered as VS Code delivers it: a message event on the window. */
function hostSays(message: BoardToWebview) {
  act(() => {
    window.dispatchEvent(new window.MessageEvent('message', { data: message }));
  });
}

async function exampleBoard(scope: BoardScope = { kind: 'all' }, filter?: BoardFilter, dir = examplesDir): Promise<BoardModel> {
  const index = await indexOf(dir);
  return buildBoard({ analyses: index.allAnalyses(), sprints: index.sprints, scope, filter });
}

function sendBoard(model: BoardModel, revision = 1) {
  hostSays({ type: 'board', scope: { ...model.scope, folder: FOLDER } as BoardPanelScope, folder: FOLDER, model, revision });
}

const card = (key: string) => document.querySelector<HTMLElement>(`[data-key="${key}"]`)!;
const columnOf = (key: string) => card(key)?.closest('section')?.getAttribute('data-column');

afterEach(cleanup);

describe('Board webview', () => {
  test('says ready first, then draws the columns with their counts and every card', async () => {
    const fake = fakeChannel();
    render(<BoardApp channel={fake.channel} />);
    assert.deepEqual(fake.posted, [{ type: 'ready' }]);
    sendBoard(await exampleBoard());

    const headings = screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent);
    assert.deepEqual(headings, ['Open 10', 'In Progress 2', 'Done 4']);
    const open = within(screen.getByRole('list', { name: 'Open' })).getAllByRole('listitem');
    assert.equal(open.length, 10);
    assert.equal(screen.getByRole('toolbar').querySelector('.title')!.textContent, 'All epics');
    // Saved for a reload: the scope and the filter.
    assert.deepEqual(fake.state(), { scope: { kind: 'all', folder: FOLDER }, filter: {} });
  });

  test('a card shows its id, title, estimate, issue, epic, and a blocked badge with its blockers', async () => {
    render(<BoardApp channel={fakeChannel().channel} />);
    sendBoard(await exampleBoard());
    const t5 = card('epic-001-link-shortener:T5');
    assert.equal(t5.querySelector('.card-id')!.textContent, 'T5');
    assert.equal(t5.querySelector('.card-title')!.textContent, 'Create, update and disable links');
    assert.equal(t5.querySelector('.card-estimate')!.textContent, '4 hours');
    assert.equal(t5.querySelector('.card-epic')!.textContent, 'Link Shortener Service');
    assert.equal(t5.querySelector('.state-badge')!.textContent, 'Blocked');
    assert.equal(t5.querySelector('.card-blockers')!.textContent, 'Blocked by T3, T6');
    assert.equal(t5.getAttribute('aria-label'), 'T5 Create, update and disable links, blocked by T3, T6, estimate 4 hours, epic Link Shortener Service');

    const t6 = card('epic-001-link-shortener:T6');
    assert.equal(t6.querySelector('.state-badge')!.textContent, 'Ready');
    assert.equal(t6.querySelector('.card-blockers'), null);

    const t43 = card('team-calendar:43');
    assert.equal(t43.querySelector('.card-id')!.textContent, '#43');
    assert.equal(t43.querySelector('a.card-issue')!.textContent, '#43');
    // No repository for epic 001's issues: the number, not a link.
    assert.equal(card('epic-001-link-shortener:T1').querySelector('a.card-issue'), null);
    assert.equal(card('epic-001-link-shortener:T1').querySelector('.card-issue')!.textContent, '#101');
  });

  test('dropping a card on another column asks the host to move it, and it changes column when the host redraws', async () => {
    const fake = fakeChannel();
    render(<BoardApp channel={fake.channel} />);
    const board = await exampleBoard();
    sendBoard(board);
    const t6 = card('epic-001-link-shortener:T6');
    const inProgress = document.querySelector('section[data-column="in-progress"]')!;

    fireEvent.dragStart(t6);
    fireEvent.dragOver(inProgress);
    assert.ok(inProgress.classList.contains('drop-target'));
    fireEvent.drop(inProgress);
    assert.deepEqual(fake.posted.at(-1), { type: 'moveCard', key: 'epic-001-link-shortener:T6', to: 'in-progress' });
    assert.ok(!inProgress.classList.contains('drop-target'));
    // Until the host answers, the card says where it is going and stays where the files say.
    assert.equal(columnOf('epic-001-link-shortener:T6'), 'open');
    assert.equal(card('epic-001-link-shortener:T6').getAttribute('aria-busy'), 'true');
    assert.match(card('epic-001-link-shortener:T6').textContent!, /Moving to In Progress…/);

    const moved = await exampleBoard();
    const columns = moved.columns.map((c) => ({ ...c, cards: c.cards.filter((x) => x.taskId !== 'T6' || x.epicId !== 'epic-001-link-shortener') }));
    const t6Card = { ...board.columns[0].cards.find((c) => c.taskId === 'T6')!, column: 'in-progress' as const, display: 'in-progress' as const };
    columns[1] = { ...columns[1], cards: [...columns[1].cards, t6Card] };
    sendBoard({ ...moved, columns }, 2);
    hostSays({ type: 'moveResult', key: 'epic-001-link-shortener:T6', to: 'in-progress', outcome: 'moved' });
    assert.equal(columnOf('epic-001-link-shortener:T6'), 'in-progress');
    assert.equal(card('epic-001-link-shortener:T6').getAttribute('aria-busy'), 'false');
    assert.equal(screen.getByRole('status').textContent, 'Moved to In Progress.');
  });

  test('dropping a card on its own column posts nothing', async () => {
    const fake = fakeChannel();
    render(<BoardApp channel={fake.channel} />);
    sendBoard(await exampleBoard());
    const open = document.querySelector('section[data-column="open"]')!;
    fireEvent.dragStart(card('epic-001-link-shortener:T6'));
    fireEvent.dragOver(open);
    fireEvent.drop(open);
    assert.deepEqual(fake.posted, [{ type: 'ready' }]);
  });

  test('the keyboard: arrows move the focus, Alt or Ctrl with an arrow moves the card, Enter opens its line', async () => {
    const user = userEvent.setup({ document });
    const fake = fakeChannel();
    render(<BoardApp channel={fake.channel} />);
    sendBoard(await exampleBoard());

    card('epic-001-link-shortener:T4').focus();
    await user.keyboard('{ArrowDown}');
    assert.equal(document.activeElement, card('epic-001-link-shortener:T5'));
    await user.keyboard('{ArrowUp}');
    assert.equal(document.activeElement, card('epic-001-link-shortener:T4'));
    // Right: the card at the same height in the next column, or its last one.
    await user.keyboard('{ArrowRight}');
    assert.equal(document.activeElement, card('epic-001-link-shortener:T3'));
    await user.keyboard('{ArrowLeft}');
    assert.equal(document.activeElement, card('team-calendar:45'));

    await user.keyboard('{Alt>}{ArrowRight}{/Alt}');
    assert.deepEqual(fake.posted.at(-1), { type: 'moveCard', key: 'team-calendar:45', to: 'in-progress' });
    hostSays({ type: 'moveResult', key: 'team-calendar:45', to: 'in-progress', outcome: 'declined' });
    card('epic-001-link-shortener:T1').focus();
    await user.keyboard('{Control>}{ArrowLeft}{/Control}');
    assert.deepEqual(fake.posted.at(-1), { type: 'moveCard', key: 'epic-001-link-shortener:T1', to: 'in-progress' });
    // Past the last column there is nowhere to go.
    const count = fake.posted.length;
    card('epic-001-link-shortener:T2').focus();
    await user.keyboard('{Alt>}{ArrowRight}{/Alt}');
    assert.equal(fake.posted.length, count);

    await user.keyboard('{Enter}');
    assert.deepEqual(fake.posted.at(-1), { type: 'openFile', folder: FOLDER, path: EPIC_001, line: 20 });
  });

  test('a card moved from the keyboard keeps the focus in its new column', async () => {
    const user = userEvent.setup({ document });
    render(<BoardApp channel={fakeChannel().channel} />);
    const board = await exampleBoard({ kind: 'epic', epicPath: EPIC_001 });
    sendBoard(board);
    card('epic-001-link-shortener:T3').focus();
    await user.keyboard('{Alt>}{ArrowRight}{/Alt}');
    const t3 = { ...board.columns[1].cards[0], column: 'done' as const, display: 'done' as const };
    sendBoard({ ...board, columns: [board.columns[0], { ...board.columns[1], cards: [] }, { ...board.columns[2], cards: [...board.columns[2].cards, t3] }] }, 2);
    assert.equal(columnOf('epic-001-link-shortener:T3'), 'done');
    assert.equal(document.activeElement, card('epic-001-link-shortener:T3'));
  });

  test('clicking the title opens the task; clicking a linked issue opens its address', async () => {
    const user = userEvent.setup({ document });
    const fake = fakeChannel();
    render(<BoardApp channel={fake.channel} />);
    sendBoard(await exampleBoard());
    await user.click(card('team-calendar:44').querySelector('.card-title')!);
    assert.deepEqual(fake.posted.at(-1), { type: 'openFile', folder: FOLDER, path: '.claude/epics/team-calendar/44.md', line: 1 });
    await user.click(card('team-calendar:44').querySelector('a.card-issue')!);
    assert.deepEqual(fake.posted.at(-1), { type: 'openUrl', url: 'https://github.com/acme/calendar/issues/44' });
  });

  test('a move the host refuses is shown inline, and the card stays', async () => {
    render(<BoardApp channel={fakeChannel().channel} />);
    sendBoard(await exampleBoard());
    fireEvent.dragStart(card('team-calendar:46'));
    fireEvent.drop(document.querySelector('section[data-column="done"]')!);
    hostSays({ type: 'moveResult', key: 'team-calendar:46', to: 'done', outcome: 'failed', message: 'Could not complete #46 Calendar export (ICS): .claude/epics/team-calendar/46.md changed on disk while it was being edited; nothing was written.' });
    const alert = screen.getByRole('alert');
    assert.match(alert.textContent!, /^The card was not moved/);
    assert.match(alert.textContent!, /changed on disk while it was being edited/);
    assert.equal(columnOf('team-calendar:46'), 'open');
    assert.equal(card('team-calendar:46').getAttribute('aria-busy'), 'false');
  });

  test('the epic and sprint filters post the filter; what the host applies is saved, and hidden cards are counted', async () => {
    const user = userEvent.setup({ document });
    const fake = fakeChannel();
    render(<BoardApp channel={fake.channel} />);
    const dir = join(fixturesDir, 'sprints', 'workspace');
    sendBoard(await exampleBoard({ kind: 'all' }, {}, dir));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Sprint' }), 'Sprint 3');
    assert.deepEqual(fake.posted.at(-1), { type: 'setFilter', filter: { sprint: 'sprint-3' } });

    sendBoard(await exampleBoard({ kind: 'all' }, { sprint: 'sprint-3' }, dir), 2);
    assert.equal((screen.getByRole('combobox', { name: 'Sprint' }) as HTMLSelectElement).value, 'sprint-3');
    assert.equal(screen.getByText(/hidden by the filters/).textContent, '8 of 9 tasks are hidden by the filters.');
    assert.deepEqual(fake.state()?.filter, { sprint: 'sprint-3' });

    await user.selectOptions(screen.getByRole('combobox', { name: 'Epic' }), 'Task API');
    assert.deepEqual(fake.posted.at(-1), { type: 'setFilter', filter: { sprint: 'sprint-3', epic: 'epics/epic-001-task-api.md' } });
    await user.selectOptions(screen.getByRole('combobox', { name: 'Sprint' }), 'All sprints');
    assert.deepEqual(fake.posted.at(-1), { type: 'setFilter', filter: {} });
  });

  test('one epic\'s board offers no epic filter and names no epic on its cards', async () => {
    render(<BoardApp channel={fakeChannel().channel} />);
    sendBoard(await exampleBoard({ kind: 'epic', epicPath: EPIC_001 }));
    assert.equal(screen.queryByRole('combobox', { name: 'Epic' }), null);
    assert.ok(screen.getByRole('combobox', { name: 'Sprint' }));
    assert.equal(card('epic-001-link-shortener:T4').querySelector('.card-epic'), null);
  });

  test('a board whose plan is gone says so instead of drawing nothing', async () => {
    render(<BoardApp channel={fakeChannel().channel} />);
    sendBoard(await exampleBoard());
    hostSays({ type: 'gone', message: 'This plan is no longer in the workspace: its file was moved or deleted.' });
    assert.match(screen.getByRole('alert').textContent!, /no longer in the workspace/);
    assert.equal(screen.queryAllByRole('listitem').length, 0);
  });

  test('after a reload the focus goes back to the card that had it', async () => {
    const fake = fakeChannel({ scope: { kind: 'all', folder: FOLDER }, filter: {}, focused: 'team-calendar:46' });
    render(<BoardApp channel={fake.channel} />);
    sendBoard(await exampleBoard());
    assert.equal(document.activeElement, card('team-calendar:46'));
  });
});
