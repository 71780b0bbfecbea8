import { describe, expect, it } from 'vitest';
import type { ActionId, ClusterId, ProjectId } from '../../model/ids.ts';
import type { Plan } from '../../model/plan.ts';
import { Sensitive } from '../../model/sensitive.ts';
import { renderJson } from './json.ts';
import { renderText } from './text.ts';

const header = {
  cluster: 'c0ffee00-0000-4000-8000-000000000001' as ClusterId,
  project: '0f6b7b9e-2c1a-4e6f-9a57-3f0c1c0d6a11' as ProjectId,
  metro: 'da',
  observedAt: '2026-11-01T12:00:00Z',
  source: 'test',
};
const now = new Date('2026-11-01T12:00:07Z');

const plan: Plan = {
  header,
  warnings: [{ area: 'nodes', subject: 'Node stray', message: 'no device; left alone' }],
  actions: [
    {
      id: 'aaaaaaaaaaaa' as ActionId,
      kind: 'kubernetes.patch',
      area: 'nodes',
      operation: 'update',
      target: 'Node w1',
      reason: 'initialise from device w1',
      event: 'Test',
      object: { apiVersion: 'v1', kind: 'Node', name: 'w1' },
      patch: [{ op: 'test', path: '/metadata/resourceVersion', value: '5' }],
      dependsOn: [],
      changes: [
        { path: 'spec.providerID', after: 'equinixmetal://x' },
        { path: 'metadata.labels["a"]', before: '1', after: '2' },
        { path: 'spec.taints', before: [{ key: 'k' }] },
        {
          path: 'status.addresses',
          before: [{ type: 'Hostname' }],
          after: [{ type: 'Hostname' }, { type: 'InternalIP' }],
        },
        { path: 'metadata.annotations["bgp-pass"]', after: new Sensitive('hunter2') },
      ],
    },
    {
      id: 'bbbbbbbbbbbb' as ActionId,
      kind: 'metal.request',
      area: 'bgp',
      operation: 'create',
      target: 'BGP of project 0f6b',
      reason: 'a load balancer is configured',
      event: 'Test',
      request: {
        operation: 'requestBgpConfig',
        method: 'POST',
        path: '/projects/0f6b/bgp-configs',
        body: { asn: 65000, md5: new Sensitive('hunter2') },
      },
      dependsOn: ['aaaaaaaaaaaa' as ActionId],
      changes: [],
    },
    {
      id: 'cccccccccccc' as ActionId,
      kind: 'kubernetes.delete',
      area: 'nodes',
      operation: 'delete',
      target: 'Node gone',
      reason: 'device gone',
      event: 'Test',
      object: { apiVersion: 'v1', kind: 'Node', name: 'gone' },
      guard: { uid: 'u', resourceVersion: '9' },
      dependsOn: [],
      changes: [],
    },
  ],
};

describe('renderText', () => {
  it('prints a header, warnings, actions grouped by area with markers and reasons, and a summary', () => {
    expect(renderText(plan, now)).toBe(
      [
        'Equinix Metal CCM plan',
        '  cluster   c0ffee00-0000-4000-8000-000000000001',
        '  project   0f6b7b9e-2c1a-4e6f-9a57-3f0c1c0d6a11',
        '  metro     da',
        '  observed  2026-11-01T12:00:00Z from test (age 7s)',
        '',
        'Warnings:',
        '  ! Node stray: no device; left alone  [nodes]',
        '',
        'Nodes:',
        '  ~ Node w1',
        '      # initialise from device w1',
        '      + spec.providerID: "equinixmetal://x"',
        '      ~ metadata.labels["a"]: "1" -> "2"',
        '      - spec.taints: [{"key":"k"}]',
        '      ~ status.addresses',
        '          + {"type":"InternalIP"}',
        '      + metadata.annotations["bgp-pass"]: (sensitive)',
        '  - Node gone',
        '      # device gone',
        '',
        'BGP:',
        '  + BGP of project 0f6b',
        '      # a load balancer is configured',
        '      POST /projects/0f6b/bgp-configs  (requestBgpConfig)',
        '      body: {"asn":65000,"md5":"(sensitive)"}',
        '',
        'Plan: 1 to create, 1 to change, 1 to delete.',
        '',
      ].join('\n'),
    );
  });

  it('says the cluster is converged when there is nothing to do', () => {
    const text = renderText({ header, actions: [], warnings: [] }, now);
    expect(text.trimEnd().split('\n').at(-1)).toBe('No changes. Cluster is converged.');
  });

  it('never prints a secret', () => {
    expect(renderText(plan, now)).not.toContain('hunter2');
  });
});

describe('renderJson', () => {
  it('has a format version, a summary, stable ids and dependencies', () => {
    const document = JSON.parse(renderJson(plan, now)) as Record<string, unknown>;
    expect(document).toMatchObject({
      format_version: '1.0',
      header: {
        cluster: header.cluster,
        project: header.project,
        metro: 'da',
        facility: null,
        age_seconds: 7,
      },
      summary: { create: 1, update: 1, delete: 1, converged: false },
      warnings: plan.warnings,
    });
    const actions = document['actions'] as { id: string; depends_on: string[]; kind: string }[];
    expect(actions.map((a) => a.id)).toEqual(['aaaaaaaaaaaa', 'bbbbbbbbbbbb', 'cccccccccccc']);
    expect(actions[1]?.depends_on).toEqual(['aaaaaaaaaaaa']);
  });

  // Byte-for-byte determinism is what the golden plans (fixtures/*/plan.golden.json) check.
  it('never prints a secret', () => {
    expect(renderJson(plan, now)).not.toContain('hunter2');
    expect(renderJson(plan, now)).toContain('"md5": "(sensitive)"');
  });
});

describe('an action waiting in its backoff', () => {
  const error =
    'Metal API requestBgpConfig (POST /projects/0f6b/bgp-configs) failed: 422: asn is invalid';
  const waiting: Plan = {
    ...plan,
    waiting: [
      {
        action: 'bbbbbbbbbbbb' as ActionId,
        failures: 6,
        retryAt: '2026-11-01T12:00:47Z',
        lastError: error,
      },
    ],
  };

  it('shows in the text: when it is retried, after how many failures, and why it failed', () => {
    const lines = renderText(waiting, now).split('\n');
    expect(lines.slice(lines.indexOf('  + BGP of project 0f6b'), -3)).toEqual([
      '  + BGP of project 0f6b',
      '      # a load balancer is configured',
      `      # waiting: retry in 40s after 6 failures: ${error}`,
      '      POST /projects/0f6b/bgp-configs  (requestBgpConfig)',
      '      body: {"asn":65000,"md5":"(sensitive)"}',
    ]);
    expect(lines.at(-2)).toBe(
      'Plan: 1 to create, 1 to change, 1 to delete. 1 of them waiting to be retried.',
    );
  });

  it('shows in the JSON on that action and in the summary, and nowhere else', () => {
    const document = JSON.parse(renderJson(waiting, now)) as {
      summary: Record<string, unknown>;
      actions: Record<string, unknown>[];
    };
    expect(document.summary).toMatchObject({ waiting: 1 });
    expect(document.actions.map((a) => a['waiting'])).toEqual([
      undefined,
      { failures: 6, retry_at: '2026-11-01T12:00:47Z', retry_in_seconds: 40, last_error: error },
      undefined,
    ]);
    expect(JSON.parse(renderJson(plan, now))).not.toHaveProperty('summary.waiting');
  });
});
