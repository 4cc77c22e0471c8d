import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { branchNameFor, branchNameProblem, DEFAULT_BRANCH_TEMPLATE, taskSlug } from '../../src/core/devloop/branchName';
import { commitMessageFor, withCommitMessage } from '../../src/core/devloop/commitMessage';

const epic = { id: 'user-auth' };
const task = (title: string, id = 'T3', issue?: number) => ({ id, title, ...(issue !== undefined ? { issue } : {}) });

describe('branch names', () => {
  test('the default template names the task by id and slug', () => {
    assert.deepEqual(branchNameFor(DEFAULT_BRANCH_TEMPLATE, epic, task('Add the login form')), { name: 'feature/task-t3-add-the-login-form' });
  });

  test('titles with quotes, colons, accents and emoji give names git accepts', () => {
    const named = branchNameFor(DEFAULT_BRANCH_TEMPLATE, epic, task('Café: "résumé" upload 🚀 (v2.0)?', '012'));
    assert.deepEqual(named, { name: 'feature/task-012-cafe-resume-upload-v2-0' });
  });

  test('a long title is cut at a word boundary', () => {
    const slug = taskSlug('Implement the background synchronisation service with retries and cancellation');
    assert.equal(slug, 'implement-the-background-synchronisation');
    assert.ok(slug.length <= 40);
  });

  test('${epic} and ${issue} come from the epic id and the issue, the id standing in for a missing issue', () => {
    assert.deepEqual(branchNameFor('${epic}/${issue}-${slug}', { id: 'Q3 Payments..v2' }, task('Refunds', '7', 1234)), { name: 'q3-payments.v2/1234-refunds' });
    assert.deepEqual(branchNameFor('${epic}/${issue}', epic, task('Refunds', '007')), { name: 'user-auth/007' });
  });

  test('a task without a title leaves no dangling separator', () => {
    assert.deepEqual(branchNameFor(DEFAULT_BRANCH_TEMPLATE, epic, task('', '5')), { name: 'feature/task-5' });
  });

  test('an unknown variable and a template git refuses are errors in words', () => {
    assert.deepEqual(branchNameFor('feature/${task}', epic, task('X')), { error: 'names ${task}, which is not one of ${epic}, ${id}, ${issue}, ${slug}.' });
    assert.deepEqual(branchNameFor('feature/${slug}/', epic, task('X')), {
      error: 'gives "feature/x/", which git does not accept as a branch name: it has an empty part between slashes.',
    });
    const refused = branchNameFor('my work/${id}', epic, task('X'));
    assert.deepEqual(refused, { error: 'gives "my work/t3", which git does not accept as a branch name: it holds a space or one of ~ ^ : ? * [ \\.' });
  });

  test('git ref rules', () => {
    assert.equal(branchNameProblem('feature/ok-1'), undefined);
    assert.equal(branchNameProblem('-x'), 'starts with "-"');
    assert.equal(branchNameProblem('a..b'), 'holds ".."');
    assert.equal(branchNameProblem('a/.hidden'), 'has a part starting with "." or ending with ".lock"');
    assert.equal(branchNameProblem('a/b.lock'), 'has a part starting with "." or ending with ".lock"');
    assert.equal(branchNameProblem('a//b'), 'has an empty part between slashes');
    assert.equal(branchNameProblem('x@{1}'), 'holds "@{"');
    assert.equal(branchNameProblem(''), 'is empty');
  });
});

describe('commit messages', () => {
  test('the title and Closes #N', () => {
    assert.equal(commitMessageFor(task('Add the login form', 'T3', 12), epic), 'Add the login form\n\nCloses #12');
    assert.equal(commitMessageFor(task('Add the login form'), epic), 'Add the login form');
    assert.equal(commitMessageFor(task('  ', '4'), epic), 'Task 4 of user-auth');
  });

  test('a long title is cut in the subject and kept whole in the body', () => {
    const title = 'Implement the background synchronisation service with retries, cancellation and progress';
    const [subject, blank, body, closes] = commitMessageFor(task(title, 'T1', 3), epic).split('\n');
    assert.equal(subject.length, 72);
    assert.ok(subject.endsWith('…'));
    assert.deepEqual([blank, body, closes], ['', title, 'Closes #3']);
  });

  test('what the user typed is kept, and the Closes line added once', () => {
    assert.equal(withCommitMessage('', 'A\n\nCloses #12'), 'A\n\nCloses #12');
    assert.equal(withCommitMessage('  \n', 'A\n\nCloses #12'), 'A\n\nCloses #12');
    assert.equal(withCommitMessage('My words\n', 'A\n\nCloses #12'), 'My words\n\nCloses #12');
    assert.equal(withCommitMessage('My words\n\nfixes #12', 'A\n\nCloses #12'), 'My words\n\nfixes #12');
    assert.equal(withCommitMessage('Resolves: #12 too', 'A\n\nCloses #12'), 'Resolves: #12 too');
    assert.equal(withCommitMessage('Closes #123', 'A\n\nCloses #12'), 'Closes #123\n\nCloses #12');
    assert.equal(withCommitMessage('My words', 'A'), 'My words');
  });
});
