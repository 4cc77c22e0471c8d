import type { ReactNode } from 'react';
import { lazy, Suspense, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { EpicReport, ProjectReport, ReportCounts, ReportHours, ReportIssue, ReportStatus } from '../../src/core/report';
import type { Standup, StandupTask } from '../../src/core/standup';
import { weekdayDate } from '../../src/core/standup';
import type { ReportFromWebview, ReportToWebview, ReportUpdateMessage, ReportWebviewState } from '../../src/shared/reportProtocol';
import { assertNever } from '../../src/shared/webview';
import { ActionLink, ErrorBanner, ProgressBar, StateBadge, Toolbar, ToolbarButton } from '../shared/components';
import type { EditorTheme, HostChannel } from '../shared/vscodeApi';
import { editorTheme, hostChannel, onHostMessage, onThemeChange } from '../shared/vscodeApi';

// The chart library is most of this app: it loads once a chart is shown, so the report's
// text is on screen first (an epic's first answer has no burndown yet).
const BurndownChart = lazy(() => import('../shared/BurndownChart').then((m) => ({ default: m.BurndownChart })));
const RoadmapChart = lazy(() => import('./charts').then((m) => ({ default: m.RoadmapChart })));

function ChartSlot({ children }: { readonly children: ReactNode }) {
  return <Suspense fallback={<p className="muted">Drawing…</p>}>{children}</Suspense>;
}

type Channel = HostChannel<ReportFromWebview, ReportWebviewState>;
type HistorySource = ReportUpdateMessage['historySource'];

/** What every part of a report needs: how to open a file or an issue. */
interface Links {
  readonly file: (path: string, line: number | null) => void;
  readonly url: (url: string) => void;
}

export interface ReportAppProps {
  readonly channel?: Channel;
}

export function ReportApp({ channel: given }: ReportAppProps = {}) {
  const channel = useMemo(() => given ?? hostChannel<ReportFromWebview, ReportWebviewState>(), [given]);
  const [update, setUpdate] = useState<ReportUpdateMessage>();
  const [gone, setGone] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const [theme, setTheme] = useState<EditorTheme>(() => editorTheme());
  const received = useRef(0);

  useEffect(
    () =>
      onHostMessage<ReportToWebview>((message) => {
        switch (message.type) {
          case 'report':
            received.current = performance.now();
            setGone(undefined);
            setFailure(undefined);
            setUpdate(message);
            channel.saveState({ scope: message.scope });
            return;
          case 'gone':
            setGone(message.message);
            return;
          case 'error':
            setFailure(message.message);
            return;
          default:
            assertNever(message);
        }
      }),
    [channel],
  );
  useEffect(() => onThemeChange(setTheme), []);
  // A block, not an expression: what `post` returns must not become the effect's cleanup.
  useEffect(() => {
    channel.post({ type: 'ready' });
  }, [channel]);
  useLayoutEffect(() => {
    if (update) channel.post({ type: 'rendered', revision: update.revision, ms: performance.now() - received.current });
  }, [update, channel]);

  const folder = update?.scope.folder ?? '';
  const links: Links = {
    file: (path, line) => channel.post({ type: 'openFile', folder, path, line: line ?? 0 }),
    url: (url) => channel.post({ type: 'openUrl', url }),
  };
  const report = update?.report;
  return (
    <div className="report-app">
      <Toolbar label="Report">
        <span className="title">{report ? (report.kind === 'epic' ? report.title || report.id : 'Project status') : 'Status'}</span>
        <ToolbarButton icon="markdown" label="Export as Markdown" disabled={!report} onClick={() => channel.post({ type: 'exportMarkdown' })} />
      </Toolbar>
      {gone && <ErrorBanner title="Nothing to report" message={gone} />}
      {failure && <ErrorBanner title="The report could not be built" message={failure} />}
      <main>
        {report?.kind === 'epic' && <EpicReportView report={report} links={links} theme={theme} historySource={update!.historySource} />}
        {report?.kind === 'project' && <ProjectReportView report={report} links={links} theme={theme} historySource={update!.historySource} />}
      </main>
    </div>
  );
}

function FileLink({ links, path, line, children }: { readonly links: Links; readonly path: string; readonly line: number | null; readonly children: ReactNode }) {
  return <ActionLink onOpen={() => links.file(path, line)}>{children}</ActionLink>;
}

function IssueLink({ links, issue }: { readonly links: Links; readonly issue: ReportIssue | null }) {
  if (!issue) return null;
  if (!issue.url) return <span>#{issue.number}</span>;
  return <ActionLink onOpen={() => links.url(issue.url!)}>#{issue.number}</ActionLink>;
}

function Section({ title, children }: { readonly title: string; readonly children: ReactNode }) {
  return (
    <section aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

function CountTiles({ counts }: { readonly counts: ReportCounts }) {
  const tiles: Array<[string, number, string]> = [
    ['Done', counts.done, 'done'],
    ['In progress', counts.inProgress, 'in-progress'],
    ['Ready', counts.ready, 'ready'],
    ['Blocked', counts.blocked, 'blocked'],
  ];
  return (
    <div className="tiles">
      {tiles.map(([label, value, state]) => (
        <div key={state} className={`tile tile-${state}`} data-count={state}>
          <div className="tile-value">{value}</div>
          <div className="tile-label">{label}</div>
        </div>
      ))}
    </div>
  );
}

function HoursLine({ hours }: { readonly hours: ReportHours }) {
  const missing = hours.unestimated + hours.unreadable;
  return (
    <p className="hours">
      <strong>{hours.done}h</strong> done · <strong>{hours.remaining}h</strong> remaining of {hours.total}h
      {missing > 0 && <span className="muted"> ({missing} {missing === 1 ? 'task has' : 'tasks have'} no readable estimate, counted as {hours.countedAs}h each)</span>}
    </p>
  );
}

function StatusLine({ status }: { readonly status: ReportStatus }) {
  return (
    <span>
      Status: {status.written ?? 'none'}
      {status.conflictText && <span className="warning"> · {status.conflictText}</span>}
    </span>
  );
}

function Progress({ done, total, label }: { readonly done: number; readonly total: number; readonly label: string }) {
  const percent = total === 0 ? 0 : Math.round((done / total) * 100);
  return (
    <div className="progress-row">
      <ProgressBar done={done} total={total} label={label} />
      <span className="progress-text">
        {done}/{total} · {percent}%
      </span>
    </div>
  );
}

function BurndownSection({ report, theme, historySource }: { readonly report: EpicReport | ProjectReport; readonly theme: EditorTheme; readonly historySource: HistorySource }) {
  if (historySource === 'pending') {
    return (
      <Section title="Burndown">
        <p className="muted">Reading when tasks were done…</p>
      </Section>
    );
  }
  if (!report.burndown) return null;
  return (
    <Section title="Burndown">
      <ChartSlot>
        <BurndownChart
          key={theme}
          dates={report.burndown.points.map((p) => p.date)}
          remaining={report.burndown.points.map((p) => p.remaining)}
          ideal={report.burndown.points.map((p) => p.ideal)}
          unit="tasks"
          label={`Burndown from ${report.burndown.from} to ${report.burndown.to}`}
        />
      </ChartSlot>
      <p className="muted">
        {report.burndown.from} to {report.burndown.to}, from {historySource === 'history' ? 'the git history of the plan files' : 'the files’ dates (no git history was found for this folder)'}
        {report.burndown.reopened > 0 ? ` · reopened ${report.burndown.reopened} times` : ''}.
      </p>
    </Section>
  );
}

interface ViewProps<R> {
  readonly report: R;
  readonly links: Links;
  readonly theme: EditorTheme;
  readonly historySource: HistorySource;
}

export function EpicReportView({ report, links, theme, historySource }: ViewProps<EpicReport>) {
  const facts = [
    report.prd && `PRD: ${report.prd.title ?? report.prd.written}`,
    report.start && `Start: ${report.start.written}`,
    report.target && `Target: ${report.target.written}`,
    report.owner && `Owner: ${report.owner}`,
  ].filter(Boolean);
  return (
    <>
      <header>
        <h1>
          <FileLink links={links} path={report.path} line={report.line}>
            {report.title || report.id}
          </FileLink>
        </h1>
        <p className="muted">
          <StatusLine status={report.status} />
          {facts.length > 0 && ` · ${facts.join(' · ')}`}
        </p>
        <Progress done={report.progress.done} total={report.progress.total} label="Tasks done" />
        <CountTiles counts={report.counts} />
        <HoursLine hours={report.hours} />
      </header>
      <Section title="Next">
        {report.next ? (
          <p className="next">
            <FileLink links={links} path={report.next.path} line={report.next.line}>
              {report.next.label} {report.next.title}
            </FileLink>
            <span className="muted"> · {report.next.reason}</span>
          </p>
        ) : (
          <p className="muted">{report.nothingReady ?? 'Nothing is ready.'}</p>
        )}
        {report.ready.length > 1 && (
          <ol className="ready-list">
            {report.ready.map((task) => (
              <li key={task.id}>
                <FileLink links={links} path={task.path} line={task.line}>
                  {task.label} {task.title}
                </FileLink>
                {task.onCriticalPath && <span className="muted"> · critical path</span>}
              </li>
            ))}
          </ol>
        )}
      </Section>
      {report.blocked.length > 0 && (
        <Section title="Blocked">
          <ul className="blocked-list">
            {report.blocked.map((task) => (
              <li key={task.id}>
                <FileLink links={links} path={task.path} line={task.line}>
                  {task.label} {task.title}
                </FileLink>
                <span className="muted"> · {task.text}</span>
              </li>
            ))}
          </ul>
        </Section>
      )}
      {report.groups.length > 0 && (
        <Section title="Groups">
          <table>
            <tbody>
              {report.groups.map((group) => (
                <tr key={group.name}>
                  <td>
                    <FileLink links={links} path={report.path} line={group.line}>
                      {group.name}
                    </FileLink>
                  </td>
                  <td className="wide">
                    <Progress done={group.done} total={group.total} label={`${group.name} done`} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      )}
      {report.milestones.length > 0 && (
        <Section title="Milestones">
          <table>
            <tbody>
              {report.milestones.map((m) => (
                <tr key={m.id}>
                  <td>
                    <FileLink links={links} path={m.path} line={m.line}>
                      {m.id}
                    </FileLink>
                  </td>
                  <td>{m.title}</td>
                  <td className="muted">{[m.when, m.date].filter(Boolean).join(' · ') || m.dateNote}</td>
                  <td className="wide">
                    <Progress done={m.done} total={m.total} label={`${m.id} done`} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      )}
      <BurndownSection report={report} theme={theme} historySource={historySource} />
      <Section title="Tasks">
        <table className="tasks">
          <thead>
            <tr>
              <th>Task</th>
              <th>State</th>
              <th>Estimate</th>
              <th>Issue</th>
              <th>Depends on</th>
            </tr>
          </thead>
          <tbody>
            {report.tasks.map((task) => (
              <tr key={task.key} data-task={task.id}>
                <td>
                  <FileLink links={links} path={task.path} line={task.line}>
                    {task.label} {task.title}
                  </FileLink>
                  {task.onCriticalPath && <span className="muted"> · critical</span>}
                </td>
                <td>
                  <StateBadge state={task.state} />
                </td>
                <td>{task.estimate ?? ''}</td>
                <td>
                  <IssueLink links={links} issue={task.issue} />
                </td>
                <td>{task.dependsOn.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </>
  );
}

export function ProjectReportView({ report, links, theme, historySource }: ViewProps<ProjectReport>) {
  const epicsById = new Map(report.epics.map((e) => [e.id, e]));
  return (
    <>
      <header>
        <h1>Project status</h1>
        <Progress done={report.progress.done} total={report.progress.total} label="Tasks done" />
        <CountTiles counts={report.counts} />
        <HoursLine hours={report.hours} />
        {report.next && (
          <p className="next">
            Next:{' '}
            <FileLink links={links} path={report.next.path} line={report.next.line}>
              {report.next.label} {report.next.title}
            </FileLink>
            <span className="muted">
              {' '}
              ({report.next.epicId}) · {report.next.reason}
            </span>
          </p>
        )}
      </header>
      {report.standup && <StandupSection standup={report.standup} links={links} />}
      <Section title="PRDs">
        {report.prds.map((prd) => (
          <div key={prd.path} className="prd">
            <h3>
              <FileLink links={links} path={prd.path} line={prd.line}>
                {prd.title || prd.id}
              </FileLink>
              <span className="muted"> · {prd.status.written ?? 'no status'}</span>
            </h3>
            <table>
              <tbody>
                {prd.epicIds.map((id) => {
                  const epic = epicsById.get(id);
                  return (
                    epic && (
                      <tr key={id}>
                        <td>
                          <FileLink links={links} path={epic.path} line={epic.line}>
                            {epic.title || epic.id}
                          </FileLink>
                        </td>
                        <td className="wide">
                          <Progress done={epic.progress.done} total={epic.progress.total} label={`${epic.title || epic.id} done`} />
                        </td>
                        <td className="muted">
                          {epic.counts.ready} ready · {epic.counts.blocked} blocked
                        </td>
                      </tr>
                    )
                  );
                })}
                {prd.epicIds.length === 0 && (
                  <tr>
                    <td className="muted">No epic yet.</td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        ))}
        {report.epicsWithoutPrd.length > 0 && <p className="muted">Epics with no PRD: {report.epicsWithoutPrd.join(', ')}</p>}
      </Section>
      <Section title="Roadmap">
        {report.roadmap.epics.some((e) => e.start !== null || e.end !== null) ? (
          <ChartSlot>
            <RoadmapChart roadmap={report.roadmap} theme={theme} />
          </ChartSlot>
        ) : (
          <p className="muted">No epic has a start or a target date.</p>
        )}
        {report.roadmap.epics.some((e) => e.note) && (
          <ul className="muted">
            {report.roadmap.epics
              .filter((e) => e.note)
              .map((e) => (
                <li key={e.epicId}>
                  <FileLink links={links} path={e.path} line={e.line}>
                    {e.title || e.epicId}
                  </FileLink>
                  : {e.note}
                </li>
              ))}
          </ul>
        )}
        {report.roadmap.unscheduled.length > 0 && (
          <ul className="muted unscheduled">
            {report.roadmap.unscheduled.map((u) => (
              <li key={`${u.kind}:${u.epicId}:${u.id}`}>
                <FileLink links={links} path={u.path} line={u.line}>
                  {u.title || u.id}
                </FileLink>{' '}
                not on the time line: {u.reason}
              </li>
            ))}
          </ul>
        )}
      </Section>
      <BurndownSection report={report} theme={theme} historySource={historySource} />
      <Section title="Deliverables">
        <Deliverables rows={report.deliverables} links={links} />
      </Section>
    </>
  );
}

/** `T3 Title (#12)`: the issue is left out when the label already is it. */
function standupLabel(task: StandupTask): string {
  const own = `#${task.issue}`;
  return task.issue !== undefined && task.label !== own && !task.label.startsWith(own + ' ') ? `${task.label} (${own})` : task.label;
}

function StandupList({ items, links, detail }: { readonly items: readonly StandupTask[]; readonly links: Links; readonly detail: (index: number) => string }) {
  if (items.length === 0) return <p className="muted">Nothing.</p>;
  return (
    <ul>
      {items.map((task, i) => (
        <li key={`${task.epicId}:${task.taskId}`}>
          <FileLink links={links} path={task.path} line={task.line}>
            {standupLabel(task)}
          </FileLink>
          <span className="muted">
            {' '}
            ({task.epicId}){detail(i)}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** What a standup says, from the same model as `autopm standup` and the Standup command. */
function StandupSection({ standup, links }: { readonly standup: Standup; readonly links: Links }) {
  const day = (when: string) => when.slice(0, 10);
  return (
    <Section title="Standup">
      <h3>Done since {weekdayDate(standup.since)}</h3>
      <StandupList items={standup.done} links={links} detail={(i) => `, done ${day(standup.done[i]!.when)}`} />
      <h3>In progress</h3>
      <StandupList items={standup.inProgress} links={links} detail={(i) => (standup.inProgress[i]!.since ? `, since ${day(standup.inProgress[i]!.since!)}` : '')} />
      <h3>Blocked</h3>
      <StandupList items={standup.blocked} links={links} detail={(i) => `, blocked by ${standup.blocked[i]!.blockers.join(', ')}`} />
      <h3>Next</h3>
      <StandupList items={standup.next ? [standup.next] : []} links={links} detail={() => (standup.next ? ` · ${standup.next.reason}` : '')} />
    </Section>
  );
}

/**
 * The deliverables matrix: PRDs, epics and specs, each epic's tasks shown when it is
 * opened. A plan of a thousand epics has ten thousand tasks: drawn at once, they would
 * bury the rest and take seconds to lay out.
 */
function Deliverables({ rows, links }: { readonly rows: ProjectReport['deliverables']; readonly links: Links }) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const tasksOf = useMemo(() => {
    const counts = new Map<string, number>();
    for (const row of rows) if (row.category === 'Task' && row.parent) counts.set(row.parent.id, (counts.get(row.parent.id) ?? 0) + 1);
    return counts;
  }, [rows]);
  const toggle = (epicId: string) =>
    setOpen((current) => {
      const next = new Set(current);
      if (!next.delete(epicId)) next.add(epicId);
      return next;
    });
  return (
    <table className="deliverables">
      <thead>
        <tr>
          <th>Category</th>
          <th>Deliverable</th>
          <th>Status</th>
          <th>Owner or agent</th>
          <th>Size</th>
        </tr>
      </thead>
      <tbody>
        {rows
          .filter((row) => row.category !== 'Task' || !row.parent || open.has(row.parent.id))
          .map((row) => {
            const tasks = row.category === 'Epic' ? tasksOf.get(row.id) ?? 0 : 0;
            return (
              <tr key={`${row.category}:${row.path}:${row.id}`} data-category={row.category}>
                <td>{row.category}</td>
                <td className={row.parent ? 'child' : undefined}>
                  <FileLink links={links} path={row.path} line={row.line}>
                    {row.title || row.id}
                  </FileLink>
                  {tasks > 0 && (
                    <>
                      {' '}
                      <ActionLink className="toggle muted" onOpen={() => toggle(row.id)}>
                        {open.has(row.id) ? 'hide tasks' : `show ${tasks} ${tasks === 1 ? 'task' : 'tasks'}`}
                      </ActionLink>
                    </>
                  )}
                </td>
                <td>{row.status ?? ''}</td>
                <td>{row.owner ?? ''}</td>
                <td>{row.size?.text ?? ''}</td>
              </tr>
            );
          })}
      </tbody>
    </table>
  );
}
