/**
 * Every command the extension registers, declared once. package.json contributes the
 * same ids; an integration test checks the two lists agree both ways.
 */
export const Commands = {
  refresh: 'autopm.refresh',
  startTask: 'autopm.startTask',
  completeTask: 'autopm.completeTask',
  reopenTask: 'autopm.reopenTask',
  showNextTask: 'autopm.showNextTask',
  openEpicStatus: 'autopm.openEpicStatus',
  validatePlans: 'autopm.validatePlans',
  newPrd: 'autopm.newPrd',
  decomposePrd: 'autopm.decomposePrd',
  reviewEpic: 'autopm.reviewEpic',
  expandTask: 'autopm.expandTask',
  refineTask: 'autopm.refineTask',
  rescopeTask: 'autopm.rescopeTask',
  openDocs: 'autopm.openDocs',
  openIssue: 'autopm.openIssue',
  revealTasks: 'autopm.revealTasks',
  filterTasks: 'autopm.filterTasks',
  hideDoneTasks: 'autopm.hideDoneTasks',
  showDoneTasks: 'autopm.showDoneTasks',
  showGraph: 'autopm.showGraph',
  openBoard: 'autopm.openBoard',
  newSprint: 'autopm.newSprint',
  addTaskToSprint: 'autopm.addTaskToSprint',
  removeTaskFromSprint: 'autopm.removeTaskFromSprint',
  openSprintStatus: 'autopm.openSprintStatus',
  openProjectStatus: 'autopm.openProjectStatus',
  standup: 'autopm.standup',
  syncEpic: 'autopm.syncEpic',
  pullFromGitHub: 'autopm.pullFromGitHub',
  closeIssue: 'autopm.closeIssue',
  reopenIssue: 'autopm.reopenIssue',
  importIssues: 'autopm.importIssues',
  signInToGitHub: 'autopm.signInToGitHub',
  setAnthropicKey: 'autopm.setAnthropicKey',
  clearAnthropicKey: 'autopm.clearAnthropicKey',
  stopWriting: 'autopm.stopWriting',
  createPullRequest: 'autopm.createPullRequest',
  applyFixChoice: 'autopm.applyFixChoice',
  handToClaudeCode: 'autopm.handToClaudeCode',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];

/** Context keys the extension sets, for `when` clauses in package.json. */
export const ContextKeys = {
  /** 'loading' | 'noPlans' | 'emptyPlanFolder' | 'ready' */
  state: 'autopm.state',
  /** With no plans: the other tool's format the workspace holds (see src/core/detectFormat.ts), else unset. */
  otherFormat: 'autopm.otherFormat',
  hideDone: 'autopm.hideDone',
  filtered: 'autopm.filtered',
  multiRoot: 'autopm.multiRoot',
  /** Why Next Up may be empty: 'noEpics' | 'allDone' | 'allStarted' | 'blocked' | 'ready'. */
  nextUp: 'autopm.nextUp',
  /** Whether VS Code holds a GitHub account AutoPM may use; unset until a sign-in or an account change. The walkthrough's sign-in step waits for it. */
  githubSignedIn: 'autopm.github.signedIn',
} as const;

export const ViewIds = {
  container: 'autopm',
  prds: 'autopm.prds',
  epics: 'autopm.epics',
  nextUp: 'autopm.nextUp',
} as const;
