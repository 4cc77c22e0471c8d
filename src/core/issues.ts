import type { Epic, Task } from './model';

/**
 * The web address of a task's issue: its own `github` URL (directory layout), else its
 * number on the repository the epic's `github` URL names.
 */
export function issueUrl(epic: Epic, task: Task): string | undefined {
  if (task.githubUrl && /^https?:\/\//.test(task.githubUrl)) return task.githubUrl;
  if (task.issue === undefined) return undefined;
  const repository = typeof epic.github === 'string' ? /^(https?:\/\/[^\s]+?)\/(issues|pull)\/\d+/.exec(epic.github) : null;
  return repository ? `${repository[1]}/issues/${task.issue}` : undefined;
}
