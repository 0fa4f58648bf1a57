import { describe, expect, it } from 'vitest';
import { makeImport } from '@/test/fixtures';
import type { Import } from '@/lib/types';
import {
  initialProgress,
  isActive,
  moreAdvanced,
  parseImportData,
  parseProblemData,
  progressPercent,
  progressReducer,
  type ProgressEvent,
  type ProgressState,
} from './import-progress';

const run = (events: ProgressEvent[], from: ProgressState = initialProgress) => events.reduce(progressReducer, from);

describe('progressReducer', () => {
  it('follows progress events to done', () => {
    const s = run([
      { type: 'open' },
      { type: 'progress', import: makeImport({ processed_rows: 40 }) },
      { type: 'progress', import: makeImport({ processed_rows: 80 }) },
      { type: 'done', import: makeImport({ status: 'completed', processed_rows: 100, orders_created: 90 }) },
    ]);
    expect(s.phase).toBe('done');
    expect(s.import?.status).toBe('completed');
    expect(s.import?.orders_created).toBe(90);
  });

  it('never goes back: a late, older event does not undo progress', () => {
    const s = run([
      { type: 'progress', import: makeImport({ processed_rows: 80 }) },
      { type: 'progress', import: makeImport({ processed_rows: 40 }) },
    ]);
    expect(s.import?.processed_rows).toBe(80);
  });

  it('ignores anything after done but another done', () => {
    const done = run([{ type: 'done', import: makeImport({ status: 'completed', processed_rows: 100 }) }]);
    expect(run([{ type: 'disconnected' }, { type: 'progress', import: makeImport({ processed_rows: 5 }) }], done)).toBe(done);
  });

  it('a lost connection is "reconnecting" until events come again', () => {
    const s = run([{ type: 'open' }, { type: 'disconnected' }]);
    expect(s.phase).toBe('reconnecting');
    expect(run([{ type: 'progress', import: makeImport({ processed_rows: 1 }) }], s).phase).toBe('live');
  });

  it('keeps the problem of an error event', () => {
    const error = parseProblemData(JSON.stringify({ status: 404, code: 'NOT_FOUND', title: 'Not Found', detail: 'no import "x"' }));
    const s = run([{ type: 'failed', error }, { type: 'disconnected' }]);
    expect(s.phase).toBe('error');
    expect(s.error?.detail).toBe('no import "x"');
    expect(s.error?.code).toBe('NOT_FOUND');
  });
});

describe('moreAdvanced', () => {
  it('prefers finished, then running over queued, then more rows, then more mail sent', () => {
    const running = makeImport({ processed_rows: 90 });
    const finished = makeImport({ status: 'completed', processed_rows: 90 });
    expect(moreAdvanced(running, finished)).toBe(finished);
    expect(moreAdvanced(finished, running)).toBe(finished);
    const queued = makeImport({ status: 'queued' });
    const started = makeImport({ status: 'running' });
    expect(moreAdvanced(started, queued)).toBe(started);
    expect(moreAdvanced(queued, started)).toBe(started);
    const mailed = makeImport({ status: 'completed', processed_rows: 90, notifications_sent: 30 });
    expect(moreAdvanced(mailed, finished)).toBe(mailed);
    expect(moreAdvanced(null, running)).toBe(running);
    expect(moreAdvanced(running, undefined)).toBe(running);
    expect(moreAdvanced(null, null)).toBeNull();
  });
});

describe('progressPercent and isActive', () => {
  it('is processed over total, clamped; 100 once finished', () => {
    expect(progressPercent(makeImport({ processed_rows: 0 }))).toBe(0);
    expect(progressPercent(makeImport({ processed_rows: 333, total_rows: 1000 }))).toBe(33);
    expect(progressPercent(makeImport({ processed_rows: 120, total_rows: 100 }))).toBe(100);
    expect(progressPercent(makeImport({ total_rows: 0 }))).toBe(0);
    expect(progressPercent(makeImport({ status: 'failed', processed_rows: 10 }))).toBe(100);
    expect(isActive('queued') && isActive('running')).toBe(true);
    expect(['completed', 'completed_with_errors', 'failed', 'validated'].some((s) => isActive(s as Import['status']))).toBe(false);
  });
});

describe('parsing event data', () => {
  it('accepts an import and refuses anything else', () => {
    const imp = makeImport({ processed_rows: 7 });
    expect(parseImportData(JSON.stringify(imp))).toEqual(imp);
    expect(parseImportData('not json')).toBeNull();
    expect(parseImportData('{"id": 1}')).toBeNull();
    expect(parseImportData(JSON.stringify({ ...imp, processed_rows: '7' }))).toBeNull();
    expect(parseImportData(undefined)).toBeNull();
  });

  it('turns a missing or broken problem into a generic error', () => {
    expect(parseProblemData('oops').status).toBe(500);
    expect(parseProblemData(undefined).detail).toBe('Import progress failed');
  });
});
