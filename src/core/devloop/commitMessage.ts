/**
 * The commit message Complete Task offers in the Source Control view: the task's title as
 * the subject and `Closes #N` for its issue, so that GitHub closes the issue when the
 * commit reaches the default branch.
 */
import type { Epic, Task } from '../model';

/** Git's convention for a subject line that reads well in `git log --oneline`. */
const MAX_SUBJECT = 72;

export function commitMessageFor(task: Pick<Task, 'id' | 'title' | 'issue'>, epic: Pick<Epic, 'id'>): string {
  const title = task.title.trim().replace(/\s+/g, ' ') || `Task ${task.id} of ${epic.id}`;
  const subject = title.length > MAX_SUBJECT ? `${title.slice(0, MAX_SUBJECT - 1).trimEnd()}…` : title;
  const body = title === subject ? [] : [title];
  const trailer = task.issue !== undefined ? [`Closes #${task.issue}`] : [];
  return [subject, ...(body.length + trailer.length > 0 ? ['', ...body, ...trailer] : [])].join('\n');
}

/**
 * What the message box should hold: `message` when it is empty; otherwise what the user
 * wrote, kept, with the `Closes #N` line added when it is not there yet.
 */
export function withCommitMessage(existing: string, message: string): string {
  if (existing.trim() === '') return message;
  const closes = message.split('\n').filter((line) => /^Closes #\d+$/.test(line));
  // Any of GitHub's closing keywords for the same issue counts: "fixes #12" says it already.
  const missing = closes.filter((line) => !new RegExp(`\\b(close[sd]?|fix(e[sd])?|resolve[sd]?):? ${line.slice('Closes '.length)}\\b`, 'i').test(existing));
  if (missing.length === 0) return existing;
  return `${existing.trimEnd()}\n\n${missing.join('\n')}`;
}
