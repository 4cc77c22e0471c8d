import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRemoteUrl, parseRepositoryName, pickRemote } from '../../src/core/gitRemote';

describe('git remotes', () => {
  test('every form git accepts names the same repository', () => {
    for (const url of [
      'https://github.com/acme/widgets.git',
      'https://github.com/acme/widgets',
      'https://user:token@github.com/acme/widgets.git',
      'http://github.com/acme/widgets/',
      'ssh://git@github.com/acme/widgets.git',
      'ssh://git@github.com:22/acme/widgets.git',
      'git+ssh://git@github.com/acme/widgets',
      'git@github.com:acme/widgets.git',
      'github.com:acme/widgets',
      'git://GitHub.com/acme/widgets.git',
      '  git@github.com:acme/widgets.git\n',
    ]) {
      assert.deepEqual(parseRemoteUrl(url), { host: 'github.com', owner: 'acme', name: 'widgets' }, url);
    }
    assert.deepEqual(parseRemoteUrl('git@ghe.example.com:team/app.js.git'), { host: 'ghe.example.com', owner: 'team', name: 'app.js' });
  });

  test('paths, drives and URLs that do not name owner/name are not repositories', () => {
    for (const url of ['', '/srv/git/widgets.git', '../widgets', 'C:\\repos\\widgets', 'file:///srv/git/acme/widgets.git', 'https://github.com/acme', 'https://gitlab.com/group/sub/project.git', 'git@github.com:acme/', 'https://github.com/acme/wid gets']) {
      assert.equal(parseRemoteUrl(url), undefined, url);
    }
  });

  test('--repo takes owner/name and nothing else', () => {
    assert.deepEqual(parseRepositoryName('acme/widgets'), { owner: 'acme', name: 'widgets' });
    assert.deepEqual(parseRepositoryName(' acme/widgets.git '), { owner: 'acme', name: 'widgets' });
    for (const bad of ['acme', 'acme/widgets/x', 'https://github.com/acme/widgets', '/widgets']) assert.equal(parseRepositoryName(bad), undefined, bad);
  });

  test('origin wins over upstream, other hosts are left out, and several strangers choose nothing', () => {
    const remotes = [
      { name: 'upstream', fetchUrl: 'https://github.com/acme/widgets.git' },
      { name: 'origin', fetchUrl: 'git@github.com:me/widgets.git' },
      { name: 'mirror', fetchUrl: 'https://gitlab.com/me/widgets.git' },
    ];
    assert.deepEqual(pickRemote(remotes), { host: 'github.com', owner: 'me', name: 'widgets', remote: 'origin' });
    assert.equal(pickRemote(remotes.slice(0, 1))?.remote, 'upstream');
    assert.equal(pickRemote([{ name: 'mirror', fetchUrl: 'https://gitlab.com/me/widgets.git' }]), undefined);
    assert.equal(pickRemote([{ name: 'a', fetchUrl: 'https://github.com/x/y' }, { name: 'b', fetchUrl: 'https://github.com/x/z' }]), undefined);
    assert.equal(pickRemote([{ name: 'only', pushUrl: 'https://github.com/x/y' }])?.name, 'y');
    assert.deepEqual(pickRemote([{ name: 'origin', fetchUrl: 'git@ghe.example.com:team/app.git' }], 'GHE.example.com'), { host: 'ghe.example.com', owner: 'team', name: 'app', remote: 'origin' });
  });
});
