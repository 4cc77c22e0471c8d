import { CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import type { ChartConfiguration } from 'chart.js';
import { useEffect, useRef, useState } from 'react';
import type { EditorTheme } from './vscodeApi';
import { editorTheme, onThemeChange } from './vscodeApi';

// Only what a line chart needs: chart.js tree-shakes to these when nothing else is registered.
Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Tooltip, Legend, Filler);

/**
 * A burndown: remaining work per day against the ideal line. Plain series, so any report
 * can feed it (a sprint, an epic, the whole project).
 */
export interface BurndownChartProps {
  /** The x axis: one label per point, usually ISO dates (`2026-03-09`). */
  readonly dates: readonly string[];
  /** Work left at the end of each day, in `unit`s; null where it is not known (not drawn). */
  readonly remaining: readonly (number | null)[];
  /** The ideal line for the same days; null outside its dates. Omitted: no ideal line. */
  readonly ideal?: readonly (number | null)[];
  /** What the numbers count, for the legend, the axis and the table read aloud: `tasks`, `hours`. */
  readonly unit?: string;
  /** The chart's accessible name. */
  readonly label: string;
  /** CSS pixels; the width follows the container. */
  readonly height?: number;
  /** Called after each draw with the number of points drawn (for the host's log and tests). */
  readonly onDraw?: (points: number) => void;
  /**
   * Draws the chart; component tests pass their own (jsdom has no canvas). Returns what
   * destroys it.
   */
  readonly draw?: (canvas: HTMLCanvasElement, config: ChartConfiguration<'line'>) => { destroy(): void };
}

/** A theme colour from VS Code's `--vscode-*` variables, with a fallback for when it is not set. */
export function themeColor(name: string, fallback: string, element: Element = document.body): string {
  const value = getComputedStyle(element).getPropertyValue(name).trim();
  return value === '' ? fallback : value;
}

/** The chart's configuration for the current theme: colours read from the editor's chart palette. */
export function burndownConfig(props: Pick<BurndownChartProps, 'dates' | 'remaining' | 'ideal' | 'unit'>, onComplete?: () => void): ChartConfiguration<'line'> {
  const unit = props.unit ?? 'tasks';
  const remainingColor = themeColor('--vscode-charts-blue', '#3794ff');
  const idealColor = themeColor('--vscode-charts-foreground', themeColor('--vscode-foreground', '#888888'));
  const grid = themeColor('--vscode-charts-lines', 'rgba(128, 128, 128, 0.3)');
  const text = themeColor('--vscode-foreground', '#888888');
  const font = { family: themeColor('--vscode-font-family', 'sans-serif') };
  const datasets: ChartConfiguration<'line'>['data']['datasets'] = [
    {
      label: `Remaining ${unit}`,
      data: [...props.remaining],
      borderColor: remainingColor,
      backgroundColor: `color-mix(in srgb, ${remainingColor} 15%, transparent)`,
      fill: 'origin',
      tension: 0,
      pointRadius: 3,
      spanGaps: false,
    },
  ];
  if (props.ideal) {
    datasets.push({
      label: 'Ideal',
      data: [...props.ideal],
      borderColor: idealColor,
      borderDash: [6, 4],
      borderWidth: 1.5,
      pointRadius: 0,
      fill: false,
      tension: 0,
    });
  }
  return {
    type: 'line',
    data: { labels: [...props.dates], datasets },
    plugins: onComplete ? [{ id: 'autopmDrawn', afterRender: () => onComplete() }] : [],
    options: {
      responsive: true,
      maintainAspectRatio: false,
      // Redraws come from data and theme changes; an animation would only delay what they show.
      animation: false,
      interaction: { mode: 'index', intersect: false },
      color: text,
      scales: {
        x: { ticks: { color: text, font, maxRotation: 0, autoSkip: true }, grid: { color: grid } },
        y: { beginAtZero: true, ticks: { color: text, font, precision: 0 }, grid: { color: grid }, title: { display: true, text: unit, color: text, font } },
      },
      plugins: {
        legend: { labels: { color: text, font } },
        tooltip: { enabled: true },
      },
    },
  };
}

const drawWithChartJs = (canvas: HTMLCanvasElement, config: ChartConfiguration<'line'>) => new Chart(canvas, config);

/** The burndown chart, redrawn when its data or the editor's theme changes; a table of the same numbers for screen readers. */
export function BurndownChart({ dates, remaining, ideal, unit = 'tasks', label, height = 240, onDraw, draw = drawWithChartJs }: BurndownChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [theme, setTheme] = useState<EditorTheme>(() => editorTheme());
  const drawn = useRef(onDraw);
  drawn.current = onDraw;
  useEffect(() => onThemeChange(setTheme), []);
  useEffect(() => {
    if (!canvas.current || dates.length === 0) return;
    const points = dates.length;
    // chart.js reports each render through the plugin; a stand-in `draw` has drawn when it returns.
    const chart = draw(canvas.current, burndownConfig({ dates, remaining, ideal, unit }, () => drawn.current?.(points)));
    if (draw !== drawWithChartJs) drawn.current?.(points);
    return () => chart.destroy();
  }, [dates, remaining, ideal, unit, theme, draw]);
  if (dates.length === 0) return null;
  return (
    <div className="burndown-chart" style={{ height }}>
      <canvas ref={canvas} role="img" aria-label={label}>
        <table>
          <caption>{label}</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Remaining {unit}</th>
              {ideal && <th scope="col">Ideal</th>}
            </tr>
          </thead>
          <tbody>
            {dates.map((date, i) => (
              <tr key={date}>
                <th scope="row">{date}</th>
                <td>{remaining[i] ?? ''}</td>
                {ideal && <td>{ideal[i] ?? ''}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </canvas>
    </div>
  );
}
