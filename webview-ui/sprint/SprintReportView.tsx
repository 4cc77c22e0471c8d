import type { ReactNode } from 'react';
import type { SprintReport, SprintReportTask } from '../../src/core/sprintReport';
import type { BurndownChartProps } from '../shared/BurndownChart';
import { BurndownChart } from '../shared/BurndownChart';
import { ActionLink, Icon, ProgressBar, StateBadge } from '../shared/components';

export interface SprintReportViewProps {
  readonly report: SprintReport;
  /** Opens a plan file at a 0-based line. */
  readonly onOpen: (path: string, line: number) => void;
  readonly onOpenUrl: (url: string) => void;
  /** Called after the burndown is drawn, with its number of points. */
  readonly onChartDrawn?: (points: number) => void;
  /** Component tests draw without a canvas. */
  readonly drawChart?: BurndownChartProps['draw'];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function TaskLink({ task, onOpen }: { readonly task: Pick<SprintReportTask, 'key' | 'title' | 'path' | 'line'>; readonly onOpen: SprintReportViewProps['onOpen'] }) {
  return (
    <ActionLink className="task-link" data-task={task.key} onOpen={() => onOpen(task.path, task.line)}>
      <code>{task.key}</code> {task.title}
    </ActionLink>
  );
}

function IssueLink({ task, onOpenUrl }: { readonly task: SprintReportTask; readonly onOpenUrl: SprintReportViewProps['onOpenUrl'] }) {
  if (task.issue === null) return null;
  if (task.issueUrl === null) return <span>#{task.issue}</span>;
  const url = task.issueUrl;
  return <ActionLink onOpen={() => onOpenUrl(url)}>#{task.issue}</ActionLink>;
}

function Section({ title, count, children, id }: { readonly title: string; readonly count?: number; readonly children: ReactNode; readonly id: string }) {
  return (
    <section className="sprint-section" aria-labelledby={id}>
      <h2 id={id}>
        {title} {count !== undefined && <span className="count muted">{count}</span>}
      </h2>
      {children}
    </section>
  );
}

function estimateText(task: SprintReportTask): string {
  return task.estimate ?? `${task.hours} h (no estimate)`;
}

/** The sprint report: header, counts, progress, burndown, then the tables of what needs attention. */
export function SprintReportView({ report, onOpen, onOpenUrl, onChartDrawn, drawChart }: SprintReportViewProps) {
  const byKey = new Map(report.tasks.map((t) => [t.key, t]));
  const list = (keys: readonly string[]) => keys.map((k) => byKey.get(k)).filter((t): t is SprintReportTask => t !== undefined);
  const remaining = list(report.remaining);
  const blocked = list(report.blocked);
  const atRisk = list(report.atRisk);
  const added = list(report.added);
  const { counts } = report;
  const dates = report.start !== null ? `${report.start} → ${report.end}` : 'No dates';
  const hasChart = report.burndown.dates.length > 0;

  return (
    <div className="sprint-report">
      <header className="sprint-header">
        <h1>
          <Icon name="rocket" /> {report.name}
        </h1>
        <div className="sprint-meta">
          <span className="dates">{dates}</span>
          <span className={`time-left phase-${report.phase}`}>{report.timeText}</span>
          {report.path !== null && (
            <ActionLink onOpen={() => onOpen(report.path!, 0)}>Open sprint file</ActionLink>
          )}
        </div>
        {report.goal !== null && <p className="goal">{report.goal}</p>}
      </header>

      <section className="sprint-counts" aria-label="Counts">
        <div className="count-tile">
          <span className="value">{counts.scope}</span>
          <span className="name">Scope</span>
        </div>
        <div className="count-tile">
          <span className="value">{counts.done}</span>
          <span className="name">Done</span>
        </div>
        <div className="count-tile">
          <span className="value">{counts.remaining}</span>
          <span className="name">Remaining</span>
        </div>
        <div className="count-tile">
          <span className="value">{counts.inProgress}</span>
          <span className="name">In progress</span>
        </div>
        <div className="count-tile">
          <span className="value">{counts.blocked}</span>
          <span className="name">Blocked</span>
        </div>
        <div className="count-tile">
          <span className="value">{counts.atRisk}</span>
          <span className="name">At risk</span>
        </div>
      </section>
      <ProgressBar done={counts.done} total={counts.scope} label={`${counts.done} of ${counts.scope} tasks done`} />
      <p className="muted hours">
        {counts.done} of {plural(counts.scope, 'task')} done · {report.remainingHours} h of work left
        {report.hoursLeft !== null ? ` · ${report.hoursLeft} h left in the sprint` : ''}
      </p>

      <Section title="Burndown" id="burndown">
        {hasChart ? (
          <BurndownChart
            dates={report.burndown.dates}
            remaining={report.burndown.remaining}
            ideal={report.burndown.ideal}
            unit="tasks"
            label={`Burndown of ${report.name}: remaining tasks per day against the ideal line`}
            {...(onChartDrawn ? { onDraw: onChartDrawn } : {})}
            {...(drawChart ? { draw: drawChart } : {})}
          />
        ) : (
          <p className="muted">{report.phase === 'upcoming' ? 'The burndown starts on the sprint’s first day.' : 'A sprint without dates has no burndown.'}</p>
        )}
        {report.undated.length > 0 && (
          <p className="muted note">
            {plural(report.undated.length, 'done task')} without a completion date counted done on the last day shown.
          </p>
        )}
      </Section>

      <Section title="Remaining" count={remaining.length} id="remaining">
        {remaining.length === 0 ? (
          <p className="muted">Nothing left: every task in scope is done.</p>
        ) : (
          <table className="tasks remaining-tasks">
            <thead>
              <tr>
                <th scope="col">Task</th>
                <th scope="col">State</th>
                <th scope="col">Estimate</th>
                <th scope="col">Issue</th>
              </tr>
            </thead>
            <tbody>
              {remaining.map((t) => (
                <tr key={t.key}>
                  <td>
                    <TaskLink task={t} onOpen={onOpen} />
                  </td>
                  <td>
                    <StateBadge state={t.display} />
                  </td>
                  <td>{estimateText(t)}</td>
                  <td>
                    <IssueLink task={t} onOpenUrl={onOpenUrl} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>

      <Section title="Blocked" count={blocked.length} id="blocked">
        {blocked.length === 0 ? (
          <p className="muted">No task in scope is blocked.</p>
        ) : (
          <table className="tasks blocked-tasks">
            <thead>
              <tr>
                <th scope="col">Task</th>
                <th scope="col">Waits for</th>
              </tr>
            </thead>
            <tbody>
              {blocked.map((t) => (
                <tr key={t.key}>
                  <td>
                    <TaskLink task={t} onOpen={onOpen} />
                  </td>
                  <td>
                    <ul className="blockers">
                      {t.blockers.map((b) => (
                        <li key={`${b.taskId}:${b.reason}`}>{b.text}</li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>

      <Section title="At risk" count={atRisk.length} id="at-risk">
        {atRisk.length === 0 ? (
          <p className="muted">Every task not started fits in the time left.</p>
        ) : (
          <table className="tasks at-risk-tasks">
            <thead>
              <tr>
                <th scope="col">Task</th>
                <th scope="col">Estimate</th>
                <th scope="col">Time left</th>
              </tr>
            </thead>
            <tbody>
              {atRisk.map((t) => (
                <tr key={t.key}>
                  <td>
                    <TaskLink task={t} onOpen={onOpen} />
                  </td>
                  <td>{t.hours} h</td>
                  <td>{report.hoursLeft ?? 0} h</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>

      <Section title="Changed since the start" count={added.length + report.removed.length} id="scope-change">
        {added.length === 0 && report.removed.length === 0 ? (
          <p className="muted">The scope is what it was on the first day.</p>
        ) : (
          <table className="tasks scope-change">
            <thead>
              <tr>
                <th scope="col">Change</th>
                <th scope="col">Task</th>
              </tr>
            </thead>
            <tbody>
              {added.map((t) => (
                <tr key={`added:${t.key}`}>
                  <td>Added</td>
                  <td>
                    <TaskLink task={t} onOpen={onOpen} />
                  </td>
                </tr>
              ))}
              {report.removed.map((r) => (
                <tr key={`removed:${r.key}`}>
                  <td>Removed</td>
                  <td>
                    {r.path !== null && r.line !== null ? (
                      <TaskLink task={{ key: r.key, title: r.title ?? '', path: r.path, line: r.line }} onOpen={onOpen} />
                    ) : (
                      <code>{r.key}</code>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>

      {report.unresolved.length > 0 && (
        <Section title="References to no task" count={report.unresolved.length} id="unresolved">
          <ul className="unresolved">
            {report.unresolved.map((u) => (
              <li key={`${u.path}:${u.line}`}>
                <ActionLink onOpen={() => onOpen(u.path, u.line)}>
                  <code>{u.written}</code>
                </ActionLink>{' '}
                {u.message}
              </li>
            ))}
          </ul>
        </Section>
      )}
    </div>
  );
}
