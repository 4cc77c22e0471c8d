import type { TaskAnalysis } from './analysis';
import type { Task } from './model';

/**
 * A task's id as people say it: `T3` in the single-file layout, `#43` for a task file
 * named after its issue, `001` for one not synced yet.
 */
export function taskLabelId(task: Task): string {
  return /^\d+$/.test(task.id) && task.issue === Number(task.id) ? `#${task.id}` : task.id;
}

export function taskLabel(task: Task): string {
  // An empty task file has no title: its id alone, rather than an id and a dangling space.
  return task.title === '' ? taskLabelId(task) : `${taskLabelId(task)} ${task.title}`;
}

/** What keeps an open task from starting, in words: `T3`, `T9 (missing)`, `its own status`. */
export function blockerTexts(state: TaskAnalysis, epicTasks: ReadonlyMap<string, TaskAnalysis>): string[] {
  return state.blockers.map((b) => {
    const blocker = epicTasks.get(b.taskId)?.task;
    const id = blocker ? taskLabelId(blocker) : b.taskId;
    switch (b.reason) {
      case 'marked-blocked':
        return 'its own status';
      case 'incomplete':
        return state.task.incomplete === 'empty'
          ? 'its file is empty'
          : state.task.incomplete === 'unclosed-frontmatter'
            ? 'its frontmatter is never closed'
            : 'its file has no frontmatter';
      case 'unknown':
        return `${id} (missing)`;
      case 'cycle':
        return `${id} (cycle)`;
      case 'not-done':
        return id;
    }
  });
}

export function blockersText(state: TaskAnalysis, epicTasks: ReadonlyMap<string, TaskAnalysis>): string {
  return blockerTexts(state, epicTasks).join(', ');
}
