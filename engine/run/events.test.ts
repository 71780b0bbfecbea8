import { describe, expect, it } from 'vitest';
import type { ActionId } from '../../model/ids.ts';
import type { Action } from '../../model/plan.ts';
import { StaleWriteError } from '../../providers/kubernetes/executor.ts';
import type { EventInput } from '../../providers/kubernetes/events.ts';
import type { Logger } from '../cli/logging.ts';
import {
  EventReporter,
  outcomeEvent,
  outcomeEvents,
  warningEvents,
  WarningTransitions,
} from './events.ts';

const service = { apiVersion: 'v1', kind: 'Service', namespace: 'default', name: 'web' };
const action: Action = {
  id: 'a1' as ActionId,
  kind: 'metal.request',
  area: 'elastic-ips',
  operation: 'create',
  target: 'Elastic IP for Service default/web',
  reason: 'a LoadBalancer Service has no Elastic IP',
  event: 'ElasticIPRequested',
  changes: [],
  dependsOn: [],
  regarding: service,
  request: { operation: 'requestIPReservation', method: 'POST', path: '/projects/p/ips' },
};

describe('Events of a loop', () => {
  it('a plan warning about objects is a Warning Event on each; one about nothing is none', () => {
    const warning = {
      area: 'elastic-ips' as const,
      subject: 's',
      message: 'm',
      event: 'ElasticIPReleaseWaiting' as const,
    };
    const other = { ...service, name: 'api' };
    const event = { type: 'Warning', reason: 'ElasticIPReleaseWaiting', action: 'Plan', note: 'm' };
    expect(warningEvents({ ...warning, regarding: service })).toEqual([
      { regarding: service, ...event },
    ]);
    expect(warningEvents({ ...warning, regarding: service, alsoRegarding: [other] })).toEqual([
      { regarding: service, ...event },
      { regarding: other, ...event },
    ]);
    expect(warningEvents(warning)).toEqual([]);
  });

  it('an applied action is a Normal Event with its reason; a failed one a Warning', () => {
    expect(outcomeEvent(action, { id: action.id, status: 'applied' })).toEqual({
      regarding: service,
      action: 'Create',
      type: 'Normal',
      reason: 'ElasticIPRequested',
      note: action.reason,
    });
    expect(
      outcomeEvent(action, { id: action.id, status: 'failed', error: new Error('422 bad metro') }),
    ).toMatchObject({
      type: 'Warning',
      reason: 'ElasticIPRequestedFailed',
      note: `${action.reason}: 422 bad metro`,
    });
  });

  it('a skipped action and a write that lost a race leave no Event', () => {
    expect(
      outcomeEvent(action, { id: action.id, status: 'skipped', reason: 'stopped' }),
    ).toBeUndefined();
    expect(
      outcomeEvent(action, { id: action.id, status: 'failed', error: new StaleWriteError('x') }),
    ).toBeUndefined();
  });
});

describe('Events mark transitions, not loops', () => {
  const node = { apiVersion: 'v1', kind: 'Node', name: 'worker-1' };
  const init = (id: string, reason: string): Action => ({
    ...action,
    id: id as ActionId,
    operation: 'update',
    regarding: node,
    event: 'NodeInitialized',
    reason,
  });

  it('leaves one NodeInitialized for a Node initialised by a spec and a status write', () => {
    const events = outcomeEvents([
      [init('s', 'initialise from device worker-1'), { id: 's' as ActionId, status: 'applied' }],
      [init('t', 'addresses from device worker-1'), { id: 't' as ActionId, status: 'applied' }],
    ]);
    expect(events).toEqual([
      expect.objectContaining({
        reason: 'NodeInitialized',
        note: 'initialise from device worker-1; addresses from device worker-1',
      }),
    ]);
  });

  it('leaves a plan warning when it appears, then not every loop, and again after a while', () => {
    const transitions = new WarningTransitions(30 * 60_000);
    const warning = {
      area: 'elastic-ips' as const,
      subject: 's',
      message: 'no metro',
      event: 'InvalidElasticIPLocation' as const,
      regarding: service,
    };
    expect(transitions.due([warning], 0)).toHaveLength(1);
    expect(transitions.due([warning], 30_000)).toHaveLength(0);
    expect(transitions.due([warning], 60_000)).toHaveLength(0);
    expect(transitions.due([{ ...warning, message: 'no metro either' }], 90_000)).toHaveLength(1);
    expect(
      transitions.due([{ ...warning, message: 'no metro either' }], 90_000 + 30 * 60_000),
    ).toHaveLength(1);
  });

  it('says a warning that went and came back again', () => {
    const transitions = new WarningTransitions();
    const warning = {
      area: 'elastic-ips' as const,
      subject: 's',
      message: 'm',
      event: 'ElasticIPPending' as const,
      regarding: service,
    };
    expect(transitions.due([warning], 0)).toHaveLength(1);
    expect(transitions.due([], 1000)).toHaveLength(0);
    expect(transitions.due([warning], 2000)).toHaveLength(1);
  });

  it('tells a warning again next loop when its Event could not be recorded', () => {
    const transitions = new WarningTransitions();
    const warning = {
      area: 'elastic-ips' as const,
      subject: 's',
      message: 'm',
      event: 'ElasticIPLimitReached' as const,
      regarding: service,
    };
    const [event] = transitions.due([warning], 0);
    if (event === undefined) throw new Error('no Event');
    expect(transitions.due([warning], 1000)).toHaveLength(0);
    transitions.unreported(event);
    expect(transitions.due([warning], 2000)).toHaveLength(1);
    expect(transitions.due([warning], 3000)).toHaveLength(0);
  });
});

describe('EventReporter', () => {
  const note = (n: string): EventInput => ({
    regarding: { apiVersion: 'v1', kind: 'Service', namespace: 'default', name: n },
    type: 'Normal',
    reason: 'EnsuringLoadBalancer',
    action: 'Sync',
    note: n,
  });
  const quiet = { warn: () => undefined } as unknown as Logger;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** A sink whose records end when the test says, counting those under way. */
  function slowSink() {
    const started: string[] = [];
    const finish: (() => void)[] = [];
    let running = 0;
    let most = 0;
    const sink = {
      record: (e: EventInput) => {
        started.push(e.note);
        most = Math.max(most, ++running);
        return new Promise<void>((resolve) =>
          finish.push(() => {
            running--;
            resolve();
          }),
        );
      },
    };
    const finishAll = async () => {
      while (finish.length > 0) {
        for (const f of finish.splice(0)) f();
        await sleep(0);
      }
    };
    return { sink, started, finishAll, most: () => most };
  }

  it('holds Events while loops run back to back, stamped with when they happened', async () => {
    const recorded: EventInput[] = [];
    const reporter = new EventReporter(
      { record: (e) => Promise.resolve(void recorded.push(e)) },
      quiet,
    );
    reporter.working(true);
    const before = Date.now();
    reporter.report([note('a'), note('b')]);
    await sleep(50);
    expect(recorded).toEqual([]);
    reporter.working(false);
    await reporter.drain();
    expect(recorded.map((e) => e.note)).toEqual(['a', 'b']);
    expect(recorded[0]?.at).toBeGreaterThanOrEqual(before);
    expect(recorded[0]?.at).toBeLessThan(before + 50);
  });

  it('past its hold, records one Event at a time while loops run; eight when idle', async () => {
    const busy = slowSink();
    const reporter = new EventReporter(busy.sink, quiet, 20);
    reporter.working(true); // never stops
    reporter.report(['a', 'b', 'c'].map(note));
    await sleep(10);
    expect(busy.started).toEqual([]);
    await sleep(30);
    expect(busy.started).toEqual(['a']);
    await busy.finishAll();
    await reporter.drain();
    expect(busy.started).toEqual(['a', 'b', 'c']);
    expect(busy.most()).toBe(1);

    const idle = slowSink();
    const quietReporter = new EventReporter(idle.sink, quiet, 20);
    quietReporter.report(Array.from({ length: 12 }, (_, i) => note(String(i))));
    await sleep(0);
    expect(idle.started).toHaveLength(8);
    await idle.finishAll();
    await quietReporter.drain();
    expect(idle.started).toHaveLength(12);
  });
});
