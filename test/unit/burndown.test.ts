import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addDays, burndownSeries, daysBetween, MAX_SERIES_DAYS, parseDay, planDay } from '../../src/core/burndown';
import type { TaskEvent, TaskEventKind } from '../../src/core/history';
import { completionDates } from '../../src/core/history';

function event(key: string, kind: TaskEventKind, date: string): TaskEvent {
  const [epicId, taskId] = key.split(':');
  return { key, epicId, taskId, kind, date, source: 'history' };
}

describe('days', () => {
  test('dates as plans write them', () => {
    assert.equal(parseDay('2026-03-09'), '2026-03-09');
    assert.equal(parseDay('2026/3/9'), '2026-03-09');
    assert.equal(parseDay('2026-02-12T10:00:00Z'), '2026-02-12');
    // The day as written, in the offset it was written in.
    assert.equal(parseDay('2026-03-10T23:30:00-05:00'), '2026-03-10');
    assert.equal(parseDay('9 March 2026'), '2026-03-09');
    assert.equal(parseDay('March 9, 2026'), '2026-03-09');
    assert.equal(parseDay('Sept 1 2026'), '2026-09-01');
    for (const unreadable of ['TBD', 'next week', '03/09/2026', '2026-02-30', '', 'Q3', undefined, 42]) assert.equal(parseDay(unreadable), undefined, String(unreadable));
  });

  test('Day N in working days: Day 1 is the start, weekends are skipped', () => {
    // 2026-03-09 is a Monday.
    assert.equal(planDay('2026-03-09', 1, 'working'), '2026-03-09');
    assert.equal(planDay('2026-03-09', 5, 'working'), '2026-03-13');
    assert.equal(planDay('2026-03-09', 6, 'working'), '2026-03-16');
    assert.equal(planDay('2026-03-09', 10, 'working'), '2026-03-20');
    // A start on a Saturday: Day 1 is the Monday after.
    assert.equal(planDay('2026-03-07', 1, 'working'), '2026-03-09');
    assert.equal(planDay('2026-03-07', 2, 'working'), '2026-03-10');
    assert.equal(planDay('2026-03-09', 0, 'working'), '2026-03-09');
  });

  test('Day N in calendar days', () => {
    assert.equal(planDay('2026-03-09', 1, 'calendar'), '2026-03-09');
    assert.equal(planDay('2026-03-09', 10, 'calendar'), '2026-03-18');
    assert.equal(planDay('2026-02-27', 3, 'calendar'), '2026-03-01');
  });

  test('working days agree with a day-by-day count', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 1, max: 300 }), (offset, n) => {
        const start = addDays('2024-01-01', offset);
        let day = start;
        while ([0, 6].includes(new Date(day + 'T00:00:00Z').getUTCDay())) day = addDays(day, 1);
        for (let left = n - 1; left > 0; ) {
          day = addDays(day, 1);
          if (![0, 6].includes(new Date(day + 'T00:00:00Z').getUTCDay())) left--;
        }
        assert.equal(planDay(start, n, 'working'), day);
      }),
    );
  });
});

describe('burndownSeries', () => {
  test('total, done and remaining per day, with the ideal line', () => {
    const events = [
      event('e:T1', 'added', '2026-03-02T09:00:00Z'),
      event('e:T2', 'added', '2026-03-02T09:00:00Z'),
      event('e:T3', 'added', '2026-03-03T09:00:00Z'),
      event('e:T1', 'done', '2026-03-03T17:00:00Z'),
      event('e:T2', 'done', '2026-03-05T10:00:00Z'),
      event('e:T2', 'reopened', '2026-03-06T10:00:00Z'),
    ];
    const series = burndownSeries(events, { from: '2026-03-02', to: '2026-03-07', idealFrom: '2026-03-02', idealTo: '2026-03-06' });
    assert.deepEqual(
      series.points.map((p) => [p.date, p.total, p.done, p.remaining, p.ideal]),
      [
        ['2026-03-02', 2, 0, 2, 2],
        ['2026-03-03', 3, 1, 2, 1.5],
        ['2026-03-04', 3, 1, 2, 1],
        ['2026-03-05', 3, 2, 1, 0.5],
        ['2026-03-06', 3, 1, 2, 0],
        ['2026-03-07', 3, 1, 2, null],
      ],
    );
    assert.deepEqual(series.ideal, { from: '2026-03-02', to: '2026-03-06', start: 2 });
    assert.equal(series.reopened, 1);
    assert.equal(series.truncated, false);
  });

  test('a task whose first event is not `added` existed before; known tasks with no event count as open', () => {
    const series = burndownSeries([event('e:T1', 'done', '2026-03-04')], { from: '2026-03-02', to: '2026-03-04', knownTasks: ['e:T1', 'e:T2'] });
    assert.deepEqual(series.points.map((p) => [p.total, p.done]), [[2, 0], [2, 0], [2, 1]]);
    const reopenedFirst = burndownSeries([event('e:T1', 'reopened', '2026-03-03')], { from: '2026-03-02', to: '2026-03-03' });
    assert.deepEqual(reopenedFirst.points.map((p) => [p.total, p.done]), [[1, 1], [1, 0]]);
  });

  test('events before the range set its first day; a filter picks one epic', () => {
    const events = [event('a:1', 'added', '2026-01-01'), event('a:1', 'done', '2026-01-02'), event('b:1', 'added', '2026-01-01')];
    const series = burndownSeries(events, { from: '2026-02-01', to: '2026-02-01', include: (k) => k.startsWith('a:') });
    assert.deepEqual(series.points, [{ date: '2026-02-01', total: 1, done: 1, remaining: 0, ideal: null }]);
  });

  test('a removed task leaves the total; an inverted range gives one point; a huge range is cut', () => {
    const events = [event('e:1', 'added', '2026-03-01'), event('e:1', 'removed', '2026-03-02')];
    assert.deepEqual(burndownSeries(events, { from: '2026-03-01', to: '2026-03-02' }).points.map((p) => p.total), [1, 0]);
    assert.equal(burndownSeries(events, { from: '2026-03-05', to: '2026-03-01' }).points.length, 1);
    const long = burndownSeries(events, { from: '2026-01-01', to: '2206-01-01' });
    assert.equal(long.points.length, MAX_SERIES_DAYS);
    assert.equal(long.truncated, true);
  });

  test('an ideal line that starts before the range starts from the remaining count on its day', () => {
    const events = [event('e:1', 'added', '2026-03-01'), event('e:2', 'added', '2026-03-01'), event('e:1', 'done', '2026-03-03')];
    const series = burndownSeries(events, { from: '2026-03-04', to: '2026-03-05', idealFrom: '2026-03-01', idealTo: '2026-03-05' });
    assert.equal(series.ideal!.start, 2);
    assert.deepEqual(series.points.map((p) => p.ideal), [0.5, 0]);
    // Ideal dates that are not usable give no line.
    assert.equal(burndownSeries(events, { from: '2026-03-01', to: '2026-03-02', idealFrom: '2026-03-05', idealTo: '2026-03-01' }).ideal, null);
  });
});

/** Random histories: tasks added, finished, reopened and removed on days of March. */
const history = fc
  .array(
    fc.record({ task: fc.integer({ min: 1, max: 8 }), day: fc.integer({ min: 1, max: 28 }), kind: fc.constantFrom<TaskEventKind>('added', 'done', 'reopened', 'removed', 'started') }),
    { maxLength: 60 },
  )
  .map((raw) => raw.map((r) => event(`e:${r.task}`, r.kind, `2026-03-${String(r.day).padStart(2, '0')}T12:00:00Z`)));

describe('burndownSeries properties', () => {
  test('done is never above total, never negative, and remaining is their difference', () => {
    fc.assert(
      fc.property(history, (events) => {
        for (const p of burndownSeries(events, { from: '2026-02-27', to: '2026-03-30' }).points) {
          assert.ok(p.done >= 0 && p.done <= p.total, JSON.stringify(p));
          assert.equal(p.remaining, p.total - p.done);
        }
      }),
    );
  });

  test('with nothing reopened or removed, done never goes down', () => {
    const forward = history.map((events) => events.filter((e) => e.kind === 'added' || e.kind === 'done'));
    fc.assert(
      fc.property(forward, (events) => {
        const points = burndownSeries(events, { from: '2026-03-01', to: '2026-03-28' }).points;
        for (let i = 1; i < points.length; i++) {
          assert.ok(points[i].done >= points[i - 1].done);
          assert.ok(points[i].total >= points[i - 1].total);
        }
      }),
    );
  });

  test('the last day agrees with the completion dates and the tasks present', () => {
    fc.assert(
      fc.property(history, (events) => {
        // One event per task and day, in the order a replay gives them.
        const last = burndownSeries(events, { from: '2026-03-01', to: '2026-03-28' }).points.at(-1)!;
        const done = completionDates(events);
        assert.equal(last.done, done.size);
        assert.ok(last.total >= done.size);
      }),
    );
  });

  test('one point per day, in order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), (length) => {
        const points = burndownSeries([], { from: '2025-12-20', to: addDays('2025-12-20', length) }).points;
        assert.equal(points.length, length + 1);
        points.forEach((p, i) => assert.equal(daysBetween('2025-12-20', p.date), i));
      }),
    );
  });
});

describe('completionDates', () => {
  test('the date a task was done for good, by <epicId>:<taskId>', () => {
    const dates = completionDates([
      event('e:1', 'added', '2026-03-01'),
      event('e:1', 'done', '2026-03-02'),
      event('e:2', 'done', '2026-03-02'),
      event('e:2', 'reopened', '2026-03-03'),
      event('e:3', 'done', '2026-03-02'),
      event('e:3', 'reopened', '2026-03-03'),
      event('e:3', 'done', '2026-03-05'),
      // Deleted and recreated, still done: the first date stays.
      event('e:4', 'done', '2026-03-01'),
      event('e:4', 'removed', '2026-03-02'),
      event('e:4', 'added', '2026-03-04'),
      event('e:4', 'done', '2026-03-04'),
      // Deleted for good.
      event('e:5', 'done', '2026-03-01'),
      event('e:5', 'removed', '2026-03-02'),
    ]);
    assert.deepEqual(Object.fromEntries(dates), { 'e:1': '2026-03-02', 'e:3': '2026-03-05', 'e:4': '2026-03-01' });
  });
});
