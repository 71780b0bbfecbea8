import { describe, expect, it } from 'vitest';
import { EventRecorder, type EventInput } from './events.ts';
import type { KubeRest } from './rest.ts';

const about = (name: string, at: number): EventInput => ({
  regarding: { apiVersion: 'v1', kind: 'Service', namespace: 'default', name },
  type: 'Normal',
  reason: 'EnsuringLoadBalancer',
  action: 'Sync',
  note: 'Ensuring load balancer',
  at,
});

describe('EventRecorder', () => {
  it('counts a repeat within the window in its series, and forgets an Event once its window passed', async () => {
    const sent: string[] = [];
    const rest = {
      request: (r: { method: string; body?: { regarding?: { name: string } } }) => {
        sent.push(`${r.method} ${r.body?.regarding?.name ?? ''}`);
        return Promise.resolve({ metadata: { name: `e${String(sent.length)}` } });
      },
    } as unknown as KubeRest;
    const recorder = new EventRecorder(rest, { instance: 'test', windowMs: 1000 });
    await recorder.record(about('a', 0));
    await recorder.record(about('b', 500));
    await recorder.record(about('a', 900)); // a repeat: no new Event (its count is written later)
    await recorder.record(about('c', 1600)); // b's window has passed, a's not (it moved on)
    await recorder.record(about('b', 1700)); // a new Event again
    await recorder.record(about('a', 1800)); // still a repeat
    expect(sent).toEqual(['POST a', 'POST b', 'POST c', 'POST b']);
  });
});
