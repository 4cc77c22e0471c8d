import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'react';
import type { Roadmap } from '../../src/core/report';
import { themeColor } from '../shared/BurndownChart';
import type { EditorTheme } from '../shared/vscodeApi';

// Only the parts of chart.js these charts use, so the bundle stays small.
Chart.register(BarController, BarElement, CategoryScale, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip);

function axisColors() {
  return {
    text: themeColor('--vscode-foreground', '#888'),
    grid: themeColor('--vscode-panel-border', 'rgba(128,128,128,0.3)'),
  };
}

/** Draws a chart.js chart into a canvas, again whenever its inputs or the theme change. */
function useChart(build: (canvas: HTMLCanvasElement) => Chart, deps: readonly unknown[]) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = build(canvas.current);
    return () => chart.destroy();
  }, deps);
  return canvas;
}

const DAY_MS = 86_400_000;
const dayNumber = (day: string) => Math.round(Date.parse(`${day}T00:00:00Z`) / DAY_MS);
const dayText = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);

/** A time line stays readable with this many rows; the rest are named in words. */
export const ROADMAP_ROWS = 40;

/**
 * Epics as bars from start to target (a single day when only one date is known);
 * milestones as points on their epic's row. At most ROADMAP_ROWS epics: those not done
 * first, then the earliest.
 */
export function RoadmapChart({ roadmap, theme }: { readonly roadmap: Roadmap; readonly theme: EditorTheme }) {
  const dated = roadmap.epics
    .filter((e) => e.start !== null || e.end !== null)
    .map((e) => ({ ...e, start: e.start ?? e.end, end: e.end ?? e.start }));
  const scheduled = [...dated]
    .sort((a, b) => Number(a.state === 'done') - Number(b.state === 'done') || (a.start! < b.start! ? -1 : a.start! > b.start! ? 1 : 0))
    .slice(0, ROADMAP_ROWS);
  const canvas = useChart(
    (element) => {
      const colors = axisColors();
      const titles = scheduled.map((e) => e.title || e.epicId);
      const stateColor = (state: string) =>
        themeColor(state === 'done' ? '--vscode-charts-green' : state === 'in-progress' ? '--vscode-charts-blue' : '--vscode-charts-yellow', '#888');
      return new Chart(element, {
        type: 'bar',
        data: {
          labels: titles,
          datasets: [
            {
              type: 'bar',
              label: 'Epic',
              data: scheduled.map((e) => [dayNumber(e.start!), dayNumber(e.end!) + 1] as [number, number]),
              backgroundColor: scheduled.map((e) => stateColor(e.state)),
              borderSkipped: false,
              borderRadius: 3,
              barPercentage: 0.6,
              grouped: false,
            },
            {
              type: 'line',
              label: 'Milestone',
              // Drawn after the bars (chart.js draws the highest order first), or they hide it.
              order: -1,
              data: roadmap.milestones
                .filter((m) => scheduled.some((e) => e.epicId === m.epicId))
                .map((m) => ({ x: dayNumber(m.date) + 0.5, y: titles[scheduled.findIndex((e) => e.epicId === m.epicId)] })) as never,
              showLine: false,
              pointStyle: 'rectRot',
              pointRadius: 7,
              pointBackgroundColor: themeColor('--vscode-charts-purple', '#b180d7'),
              pointBorderColor: themeColor('--vscode-editor-background', '#fff'),
            },
          ],
        },
        options: {
          indexAxis: 'y',
          animation: false,
          maintainAspectRatio: false,
          plugins: {
            legend: { labels: { color: colors.text } },
            tooltip: {
              callbacks: {
                label: (item) => {
                  if (item.datasetIndex === 0) {
                    const epic = scheduled[item.dataIndex];
                    return `${epic.start} → ${epic.end} · ${epic.percent}% done`;
                  }
                  const milestones = roadmap.milestones.filter((m) => scheduled.some((e) => e.epicId === m.epicId));
                  const m = milestones[item.dataIndex];
                  return `${m.id}${m.when ? ` (${m.when})` : ''}: ${m.title} · ${m.date} · ${m.done}/${m.total}`;
                },
              },
            },
          },
          scales: {
            // A bar chart's value axis starts at zero unless told otherwise: 1970 here.
            x: {
              type: 'linear',
              min: Math.min(...scheduled.map((e) => dayNumber(e.start!))) - 1,
              max: Math.max(...scheduled.map((e) => dayNumber(e.end!)), ...roadmap.milestones.map((m) => dayNumber(m.date))) + 2,
              ticks: { color: colors.text, callback: (value) => dayText(Number(value)), maxTicksLimit: 8 },
              grid: { color: colors.grid },
            },
            y: { ticks: { color: colors.text }, grid: { color: colors.grid } },
          },
        },
      });
    },
    [roadmap, theme],
  );
  if (scheduled.length === 0) return <p className="muted">No epic has a start or a target date.</p>;
  return (
    <>
      <div
        className="chart roadmap"
        role="img"
        aria-label={`Roadmap of ${scheduled.length} ${scheduled.length === 1 ? 'epic' : 'epics'}`}
        style={{ height: `${Math.max(120, 40 + scheduled.length * 36)}px` }}
      >
        <canvas ref={canvas} />
      </div>
      {dated.length > scheduled.length && (
        <p className="muted">
          Showing {scheduled.length} of {dated.length} epics with dates: those not done, earliest first.
        </p>
      )}
    </>
  );
}
