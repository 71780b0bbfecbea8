import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { nameCandidates, passwordSecretNames } from './metallb.ts';

describe('the names of the CCM’s MetalLB objects', () => {
  it('fall back to stable names of the same scheme', () => {
    expect(nameCandidates('metal-ccm')).toEqual(nameCandidates('metal-ccm'));
    expect(new Set(nameCandidates('metal-ccm')).size).toBe(3);
    expect(passwordSecretNames).toEqual([
      'metal-ccm-bgp-password',
      'metal-ccm-bgp-password-8f5c1031',
    ]);
  });

  it.each(['deploy/chart/templates/rbac-metallb.yaml', 'deploy/template/planner.yaml'])(
    'are the Secret names the RBAC of %s names',
    async (path) => {
      const rbac = await readFile(new URL(`../../${path}`, import.meta.url), 'utf8');
      expect(rbac).toContain(`resourceNames: [${passwordSecretNames.join(', ')}]`);
    },
  );
});
