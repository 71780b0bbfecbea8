import { createHash } from 'node:crypto';
import { describeRef, refOf } from '../../model/kubernetes.ts';
import { kubernetesObjectsOf, type Snapshot } from '../../model/snapshot.ts';
import { stableJson } from '../render/values.ts';

/**
 * What a plan was computed from, small enough to save beside it: the resourceVersion of every
 * Kubernetes object the planners read, a hash of every Metal object (as the planners see it), of
 * the probes' verdicts and of the settings. Secrets enter only as "(sensitive)": never hashed.
 */
export interface Fingerprint {
  readonly settings: string;
  readonly kubernetes: Readonly<Record<string, string>>;
  readonly metal: Readonly<Record<string, string>>;
  readonly probes: Readonly<Record<string, string>>;
}

const hash = (value: unknown): string =>
  createHash('sha256').update(stableJson(value)).digest('hex').slice(0, 16);

type Entry = readonly [string, string];

function metalObjects(snapshot: Snapshot): Record<string, string> {
  const m = snapshot.metal;
  const entries: Entry[] = [
    ['project', hash(m.project ?? null)],
    ['BGP config', hash(m.bgpConfig ?? null)],
    ['location', hash(m.location)],
    ['completeness', m.complete ? 'complete' : 'incomplete'],
    ...m.devices.map((d): Entry => [`device ${d.id} (${d.hostname})`, hash(d)]),
    ...m.reservations.map((r): Entry => [`reservation ${r.id} (${r.address ?? r.state})`, hash(r)]),
    ...m.bgpSessions.map((s): Entry => [`BGP session ${s.id}`, hash(s)]),
  ];
  return Object.fromEntries(entries);
}

export function fingerprintOf(snapshot: Snapshot): Fingerprint {
  return {
    settings: hash({ cluster: snapshot.kubernetes.clusterId, settings: snapshot.settings }),
    kubernetes: Object.fromEntries(
      kubernetesObjectsOf(snapshot.kubernetes).map((o): Entry => [
        describeRef(refOf(o)),
        o.metadata?.resourceVersion ?? '',
      ]),
    ),
    metal: metalObjects(snapshot),
    probes: Object.fromEntries(
      snapshot.probes.map((p): Entry => [
        `probe ${p.address}:${String(p.port)}`,
        p.ok ? 'answers 200' : 'fails',
      ]),
    ),
  };
}

/** What changed between two fingerprints, one line per object, for people. */
export function changesBetween(saved: Fingerprint, now: Fingerprint): string[] {
  const lines: string[] = [];
  if (saved.settings !== now.settings) lines.push('the settings (or the cluster) changed');
  const compare = (
    before: Readonly<Record<string, string>>,
    after: Readonly<Record<string, string>>,
    how: (was: string, is: string) => string,
  ): void => {
    for (const [key, value] of Object.entries(before)) {
      const current = after[key];
      if (current === undefined) lines.push(`${key}: gone`);
      else if (current !== value) lines.push(`${key}: changed${how(value, current)}`);
    }
    for (const key of Object.keys(after)) if (!(key in before)) lines.push(`${key}: new`);
  };
  compare(saved.kubernetes, now.kubernetes, (was, is) => ` (resourceVersion ${was} → ${is})`);
  compare(saved.metal, now.metal, () => '');
  compare(saved.probes, now.probes, (was, is) => ` (${was} → ${is})`);
  return lines;
}
