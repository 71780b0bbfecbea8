import type { V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { ActionId } from '../../model/ids.ts';
import type { Action } from '../../model/plan.ts';
import type { Outcome } from '../apply/applier.ts';
import { StaleWriteError } from '../../providers/kubernetes/executor.ts';
import { LoadBalancerEvents } from './service-events.ts';

const web = { apiVersion: 'v1', kind: 'Service', namespace: 'default', name: 'web' };
let n = 0;
function act(event: string, more: Partial<Action> = {}): Action {
  n++;
  return {
    id: `a${String(n)}` as ActionId,
    kind: 'kubernetes.patch',
    area: 'elastic-ips',
    operation: 'update',
    target: 'Service default/web',
    reason: event,
    event,
    changes: [],
    dependsOn: [],
    regarding: web,
    object: web,
    patch: [],
    guard: { resourceVersion: '1' },
    ...more,
  } as Action;
}
const applied = (a: Action): [Action, Outcome] => [a, { id: a.id, status: 'applied' }];
const failed = (a: Action, error: unknown): [Action, Outcome] => [
  a,
  { id: a.id, status: 'failed', error },
];
const svc = (ip?: string): V1Service => ({
  metadata: { namespace: 'default', name: 'web' },
  status: ip === undefined ? {} : { loadBalancer: { ingress: [{ ip }] } },
});
const reasons = (events: { reason: string }[]) => events.map((e) => e.reason);

describe('the service controller’s Events on a LoadBalancer Service', () => {
  it('Ensuring once while the address is set up (two loops), Ensured when it reaches the status', () => {
    const lb = new LoadBalancerEvents();
    const first = [
      act('ElasticIPFinalizerAdded'),
      act('ElasticIPRequested', { kind: 'metal.request' }),
    ];
    const loop1 = lb.plan(first, [svc()]);
    expect(reasons(loop1.before)).toEqual(['EnsuringLoadBalancer']);
    expect(reasons(loop1.after(first.map(applied)))).toEqual([]);
    const second = [act('ElasticIPAssigned'), act('ElasticIPAssigned', { subresource: 'status' })];
    const loop2 = lb.plan(second, [svc()]);
    expect(loop2.before).toEqual([]);
    expect(loop2.after(second.map(applied))).toEqual([
      {
        regarding: web,
        type: 'Normal',
        reason: 'EnsuredLoadBalancer',
        action: 'Sync',
        note: 'Ensured load balancer',
      },
    ]);
  });

  it('Updated when a served Service changes; Deleting and Deleted around the release', () => {
    const lb = new LoadBalancerEvents();
    const update = [act('ElasticIPAssigned')];
    const loop = lb.plan(update, [svc('203.0.113.7')]);
    expect(loop.before).toEqual([]);
    expect(reasons(loop.after(update.map(applied)))).toEqual(['UpdatedLoadBalancer']);
    const release = [act('ElasticIPReleased', { kind: 'metal.request' }), act('ElasticIPCleared')];
    const deleting = lb.plan(release, [svc('203.0.113.7')]);
    expect(reasons(deleting.before)).toEqual(['DeletingLoadBalancer']);
    expect(reasons(deleting.after(release.map(applied)))).toEqual(['DeletedLoadBalancer']);
  });

  it('SyncLoadBalancerFailed (a Warning) on a failure, none for a lost race', () => {
    const lb = new LoadBalancerEvents();
    const request = [act('ElasticIPRequested', { kind: 'metal.request' })];
    const loop = lb.plan(request, [svc()]);
    expect(loop.after([failed(request[0]!, new Error('422 unknown metro'))])).toEqual([
      expect.objectContaining({
        type: 'Warning',
        reason: 'SyncLoadBalancerFailed',
        note: 'Error syncing load balancer: 422 unknown metro',
      }),
    ]);
    const again = lb.plan(request, [svc()]);
    expect(again.before).toEqual([]);
    expect(again.after([failed(request[0]!, new StaleWriteError('changed'))])).toEqual([]);
  });
});
