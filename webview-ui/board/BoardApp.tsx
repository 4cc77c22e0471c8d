import type { DragEvent, KeyboardEvent } from 'react';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { BoardCard, BoardColumn, BoardColumnId, BoardFilter } from '../../src/core/board';
import { BOARD_COLUMNS, COLUMN_TITLES, findCard, neighbourColumn } from '../../src/core/board';
import type { BoardFromWebview, BoardToWebview, BoardUpdateMessage, BoardWebviewState } from '../../src/shared/boardProtocol';
import { assertNever } from '../../src/shared/webview';
import { ErrorBanner, Icon, StateBadge, Toolbar } from '../shared/components';
import type { HostChannel } from '../shared/vscodeApi';
import { hostChannel, onHostMessage } from '../shared/vscodeApi';

/** The drag's payload type: only cards of this board can be dropped on it. */
const CARD_MIME = 'application/x-autopm-card';

export interface BoardAppProps {
  /** Component tests pass their own; in the webview it is VS Code's. */
  readonly channel?: HostChannel<BoardFromWebview, BoardWebviewState>;
}

/**
 * The kanban board. The host owns the plan: a move is a request (`moveCard`), and the card
 * changes column when the host redraws the board from the edited files, so the board never
 * shows a state the files do not have.
 *
 * Keyboard: Tab reaches the cards; the arrow keys move the focus between cards and columns;
 * Alt (or Ctrl) with Left or Right moves the focused card to the column beside it; Enter
 * opens the task's line.
 */
export function BoardApp({ channel: given }: BoardAppProps = {}) {
  const channel = useMemo(() => given ?? hostChannel<BoardFromWebview, BoardWebviewState>(), [given]);
  const saved = useMemo(() => channel.state(), [channel]);
  const [update, setUpdate] = useState<BoardUpdateMessage>();
  const [gone, setGone] = useState<string>();
  const [error, setError] = useState<string>();
  const [announcement, setAnnouncement] = useState('');
  /** Cards asked to move, by key, until the host answers. */
  const [pending, setPending] = useState<ReadonlyMap<string, BoardColumnId>>(new Map());
  const [dropTarget, setDropTarget] = useState<BoardColumnId>();
  const [focused, setFocused] = useState<string | undefined>(saved?.focused);
  const dragged = useRef<string | undefined>(undefined);
  const root = useRef<HTMLDivElement>(null);
  /** Set when the focus should go (back) to `focused` after the next draw: a keyboard move, a reload. */
  const refocus = useRef(saved?.focused !== undefined);

  useEffect(
    () =>
      onHostMessage<BoardToWebview>((message) => {
        switch (message.type) {
          case 'board':
            setGone(undefined);
            setUpdate(message);
            return;
          case 'gone':
            setGone(message.message);
            return;
          case 'moveResult':
            setPending((current) => {
              const next = new Map(current);
              next.delete(message.key);
              return next;
            });
            if (message.outcome === 'failed' || message.outcome === 'unchanged') setError(message.message ?? 'The card could not be moved.');
            else if (message.outcome === 'moved') {
              setError(undefined);
              setAnnouncement(`Moved to ${COLUMN_TITLES[message.to]}.`);
            } else setAnnouncement('Not moved.');
            return;
          default:
            assertNever(message);
        }
      }),
    [],
  );
  // Listening first, then ready: the host answers at once.
  useEffect(() => {
    channel.post({ type: 'ready' });
  }, [channel]);

  const model = update?.model;
  useEffect(() => {
    if (update) channel.saveState({ scope: update.scope, filter: update.model.filter, ...(focused !== undefined ? { focused } : {}) });
  }, [channel, update, focused]);

  // After a redraw, the focus follows a card moved from the keyboard into its new column.
  useLayoutEffect(() => {
    if (!refocus.current || focused === undefined || !model) return;
    const element = cardElement(root.current, focused);
    if (element) {
      refocus.current = false;
      element.focus();
    }
  }, [model, focused]);

  const move = useCallback(
    (card: BoardCard, to: BoardColumnId) => {
      if (card.column === to || pending.has(card.key)) return;
      setPending((current) => new Map(current).set(card.key, to));
      channel.post({ type: 'moveCard', key: card.key, to });
    },
    [channel, pending],
  );

  const open = (card: BoardCard) => update && channel.post({ type: 'openFile', folder: update.folder, path: card.path, line: card.line });
  const openIssue = (card: BoardCard) => card.issueUrl && channel.post({ type: 'openUrl', url: card.issueUrl });
  const setFilter = (next: BoardFilter) => {
    if (!model) return;
    const merged = { ...model.filter, ...next };
    // "All" is no value: the key is left out rather than sent as undefined.
    channel.post({
      type: 'setFilter',
      filter: { ...(merged.epic !== undefined ? { epic: merged.epic } : {}), ...(merged.sprint !== undefined ? { sprint: merged.sprint } : {}) },
    });
  };

  const focusCard = (key: string | undefined) => {
    if (key === undefined) return;
    cardElement(root.current, key)?.focus();
  };

  const onCardKey = (event: KeyboardEvent, card: BoardCard, column: BoardColumn, index: number) => {
    const sideways = event.key === 'ArrowLeft' ? -1 : event.key === 'ArrowRight' ? 1 : 0;
    if (sideways !== 0 && (event.altKey || event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      const to = neighbourColumn(card.column, sideways);
      if (to) {
        refocus.current = true;
        move(card, to);
      }
      return;
    }
    if (!model) return;
    if (sideways !== 0) {
      event.preventDefault();
      // The nearest column beside this one that has cards, at the same height or its last card.
      let next = neighbourColumn(column.id, sideways);
      while (next) {
        const cards = model.columns.find((c) => c.id === next)!.cards;
        if (cards.length > 0) return focusCard(cards[Math.min(index, cards.length - 1)].key);
        next = neighbourColumn(next, sideways);
      }
      return;
    }
    switch (event.key) {
      case 'ArrowUp':
        event.preventDefault();
        return focusCard(column.cards[index - 1]?.key);
      case 'ArrowDown':
        event.preventDefault();
        return focusCard(column.cards[index + 1]?.key);
      case 'Home':
        event.preventDefault();
        return focusCard(column.cards[0]?.key);
      case 'End':
        event.preventDefault();
        return focusCard(column.cards[column.cards.length - 1]?.key);
      case 'Enter':
        event.preventDefault();
        open(card);
        return;
    }
  };

  const onDragStart = (event: DragEvent, card: BoardCard) => {
    dragged.current = card.key;
    // jsdom has no DataTransfer; the ref alone carries the card there.
    event.dataTransfer?.setData(CARD_MIME, card.key);
    event.dataTransfer?.setData('text/plain', `${card.label} ${card.title}`);
    if (event.dataTransfer) event.dataTransfer.effectAllowed = 'move';
  };
  const draggedKey = (event: DragEvent): string | undefined => event.dataTransfer?.getData(CARD_MIME) || dragged.current;
  const onDragOver = (event: DragEvent, column: BoardColumnId) => {
    // Only our own cards: text or files dragged in from elsewhere are not a move.
    const types = event.dataTransfer?.types;
    if (!dragged.current && !(types && Array.from(types).includes(CARD_MIME))) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
    if (dropTarget !== column) setDropTarget(column);
  };
  const onDrop = (event: DragEvent, column: BoardColumnId) => {
    event.preventDefault();
    const key = draggedKey(event);
    dragged.current = undefined;
    setDropTarget(undefined);
    const card = key && model ? findCard(model, key) : undefined;
    if (card) move(card, column);
  };
  const onDragEnd = () => {
    dragged.current = undefined;
    setDropTarget(undefined);
  };

  // A filter that could only ever pick one thing is left out.
  const epicFilter = update !== undefined && update.scope.kind !== 'epic' && update.model.epics.length > 1 ? update.model : undefined;
  const sprintFilter = update !== undefined && update.scope.kind !== 'sprint' && update.model.sprints.length > 0 ? update.model : undefined;

  return (
    <div className="board-app" ref={root}>
      <Toolbar label="Board">
        <span className="title">{model ? model.title : 'Board'}</span>
        {epicFilter && (
          <label className="filter">
            <Icon name="checklist" />
            <span className="filter-name">Epic</span>
            <select aria-label="Epic" value={epicFilter.filter.epic ?? ''} onChange={(e) => setFilter({ epic: e.target.value || undefined })}>
              <option value="">All epics</option>
              {epicFilter.epics.map((epic) => (
                <option key={epic.value} value={epic.value}>
                  {epic.label}
                </option>
              ))}
            </select>
          </label>
        )}
        {sprintFilter && (
          <label className="filter">
            <Icon name="calendar" />
            <span className="filter-name">Sprint</span>
            <select aria-label="Sprint" value={sprintFilter.filter.sprint ?? ''} onChange={(e) => setFilter({ sprint: e.target.value || undefined })}>
              <option value="">All sprints</option>
              {sprintFilter.sprints.map((sprint) => (
                <option key={sprint.value} value={sprint.value}>
                  {sprint.label}
                </option>
              ))}
            </select>
          </label>
        )}
      </Toolbar>
      {gone && <ErrorBanner title="Nothing to show" message={gone} />}
      {error && <ErrorBanner title="The card was not moved" message={error} />}
      <div className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </div>
      {model && model.hidden > 0 && (
        <p className="hidden-note muted">
          {model.hidden} of {model.total} {model.total === 1 ? 'task is' : 'tasks are'} hidden by the filters.
        </p>
      )}
      {update && model && !gone && (
        <div className="columns">
          {BOARD_COLUMNS.map((id) => {
            const column = model.columns.find((c) => c.id === id)!;
            return (
              <section
                key={id}
                className={`column column-${id}${dropTarget === id ? ' drop-target' : ''}`}
                aria-labelledby={`column-${id}`}
                data-column={id}
                onDragOver={(event) => onDragOver(event, id)}
                onDragLeave={(event) => {
                  if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDropTarget(undefined);
                }}
                onDrop={(event) => onDrop(event, id)}
              >
                <h2 id={`column-${id}`} className="column-title">
                  {column.title} <span className="count" aria-label={`${column.cards.length} ${column.cards.length === 1 ? 'task' : 'tasks'}`}>{column.cards.length}</span>
                </h2>
                <div className="cards" role="list" aria-label={column.title}>
                  {column.cards.length === 0 && <p className="empty muted">No tasks</p>}
                  {column.cards.map((card, index) => (
                    <Card
                      key={card.key}
                      card={card}
                      pending={pending.get(card.key)}
                      showEpic={update.scope.kind !== 'epic'}
                      onKeyDown={(event) => onCardKey(event, card, column, index)}
                      onFocus={() => setFocused(card.key)}
                      onDragStart={(event) => onDragStart(event, card)}
                      onDragEnd={onDragEnd}
                      onOpen={() => open(card)}
                      onOpenIssue={() => openIssue(card)}
                    />
                  ))}
                </div>
              </section>
            );
          })}
        </div>
      )}
    </div>
  );
}

/** A card's element by key (keys hold colons and slashes: no selector quoting needed this way). */
function cardElement(root: HTMLElement | null, key: string): HTMLElement | undefined {
  return [...(root?.querySelectorAll<HTMLElement>('[data-key]') ?? [])].find((element) => element.dataset.key === key);
}

interface CardProps {
  readonly card: BoardCard;
  /** The column the card was asked to move to, until the host answers. */
  readonly pending: BoardColumnId | undefined;
  readonly showEpic: boolean;
  readonly onKeyDown: (event: KeyboardEvent) => void;
  readonly onFocus: () => void;
  readonly onDragStart: (event: DragEvent) => void;
  readonly onDragEnd: () => void;
  readonly onOpen: () => void;
  readonly onOpenIssue: () => void;
}

export function Card({ card, pending, showEpic, onKeyDown, onFocus, onDragStart, onDragEnd, onOpen, onOpenIssue }: CardProps) {
  const blocked = card.display === 'blocked';
  const description = [
    blocked ? `blocked by ${card.blockedBy.join(', ')}` : card.display === 'ready' ? 'ready' : undefined,
    card.estimate && `estimate ${card.estimate}`,
    card.issue !== undefined && `issue #${card.issue}`,
    showEpic && `epic ${card.epicTitle}`,
    pending && `moving to ${COLUMN_TITLES[pending]}`,
  ].filter(Boolean);
  return (
    <div
      role="listitem"
      tabIndex={0}
      draggable={pending === undefined}
      // Not `state-*`: base.css colours every codicon inside those, the estimate's watch included.
      className={`card card-${card.display}${pending ? ' pending' : ''}`}
      data-key={card.key}
      aria-label={`${card.label} ${card.title}${description.length > 0 ? `, ${description.join(', ')}` : ''}`}
      aria-busy={pending !== undefined}
      onKeyDown={onKeyDown}
      onFocus={onFocus}
      onDragStart={onDragStart}
      onDragEnd={onDragEnd}
    >
      <div className="card-head">
        <span className="card-id">{card.label}</span>
        {card.estimate && (
          <span className="card-estimate" title="Estimate">
            <Icon name="watch" />
            {card.estimate}
          </span>
        )}
      </div>
      <a
        className="card-title"
        title="Open the task"
        onClick={(event) => {
          event.preventDefault();
          onOpen();
        }}
      >
        {card.title || card.label}
      </a>
      <div className="card-meta">
        {card.display !== 'done' && card.display !== 'in-progress' && <StateBadge state={card.display} />}
        {card.issue !== undefined &&
          (card.issueUrl ? (
            <a
              className="card-issue"
              title={card.issueUrl}
              onClick={(event) => {
                event.preventDefault();
                onOpenIssue();
              }}
            >
              #{card.issue}
            </a>
          ) : (
            <span className="card-issue">#{card.issue}</span>
          ))}
        {showEpic && (
          <span className="card-epic muted" title={card.epicPath}>
            {card.epicTitle}
          </span>
        )}
      </div>
      {blocked && card.blockedBy.length > 0 && <div className="card-blockers">Blocked by {card.blockedBy.join(', ')}</div>}
      {pending && <div className="card-pending muted">Moving to {COLUMN_TITLES[pending]}…</div>}
    </div>
  );
}
