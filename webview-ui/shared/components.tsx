import type { AnchorHTMLAttributes, ReactNode } from 'react';
import type { TaskDisplayState } from '../../src/core/model';

/** A codicon from @vscode/codicons, by name (`zoom-in`, `check`). */
export function Icon({ name }: { readonly name: string }) {
  return <span className={`codicon codicon-${name}`} aria-hidden="true" />;
}

export interface ToolbarButtonProps {
  readonly icon: string;
  readonly label: string;
  readonly onClick: () => void;
  readonly pressed?: boolean;
  readonly disabled?: boolean;
}

export function ToolbarButton({ icon, label, onClick, pressed, disabled }: ToolbarButtonProps) {
  return (
    <button
      type="button"
      className="toolbar-button"
      title={label}
      aria-label={label}
      {...(pressed !== undefined ? { 'aria-pressed': pressed } : {})}
      disabled={disabled}
      onClick={onClick}
    >
      <Icon name={icon} />
    </button>
  );
}

export function Toolbar({ label, children }: { readonly label: string; readonly children: ReactNode }) {
  return (
    <div className="toolbar" role="toolbar" aria-label={label}>
      {children}
    </div>
  );
}

/** A problem shown in place, in plain words; never a blank panel. */
export function ErrorBanner({ title, message }: { readonly title: string; readonly message: string }) {
  return (
    <div className="error-banner" role="alert">
      <Icon name="error" />
      <div>
        <strong>{title}</strong>
        <pre>{message}</pre>
      </div>
    </div>
  );
}

export function ProgressBar({ done, total, label }: { readonly done: number; readonly total: number; readonly label: string }) {
  const percent = total === 0 ? 0 : Math.round((done / total) * 100);
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={total} aria-valuenow={done}>
      <div className="progress-fill" style={{ width: `${percent}%` }} />
    </div>
  );
}

const STATE_TEXT: Readonly<Record<TaskDisplayState, string>> = { done: 'Done', 'in-progress': 'In progress', ready: 'Ready', blocked: 'Blocked' };
const STATE_ICON: Readonly<Record<TaskDisplayState, string>> = { done: 'pass-filled', 'in-progress': 'sync', ready: 'circle-large-outline', blocked: 'circle-slash' };

export function stateText(state: TaskDisplayState): string {
  return STATE_TEXT[state];
}

export function StateBadge({ state }: { readonly state: TaskDisplayState }) {
  return (
    <span className={`state-badge state-${state}`}>
      <Icon name={STATE_ICON[state]} />
      {STATE_TEXT[state]}
    </span>
  );
}

/**
 * A link that asks the host to open something. It has no `href`: VS Code's webview page
 * acts on clicks on links with one by itself (`#` scrolls the report to the top, a web
 * address opens a second time), and only the host decides what may be opened.
 */
export function ActionLink({ onOpen, children, ...attributes }: { readonly onOpen: () => void; readonly children: ReactNode } & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href' | 'onClick' | 'onKeyDown'>) {
  return (
    <a
      role="link"
      tabIndex={0}
      {...attributes}
      onClick={(event) => {
        event.preventDefault();
        onOpen();
      }}
      onKeyDown={(event) => {
        if (event.key !== 'Enter') return;
        event.preventDefault();
        onOpen();
      }}
    >
      {children}
    </a>
  );
}
