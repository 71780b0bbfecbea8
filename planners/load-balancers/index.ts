import type { LoadBalancer } from '../../model/settings.ts';
import { empty } from './empty.ts';
import type { Integration } from './integration.ts';
import { kubeVip } from './kube-vip.ts';
import { metallbConfigMap } from './metallb-configmap.ts';
import { metallbCrds } from './metallb-crds.ts';

/** One record per integration; `none` plans nothing, as `empty` (the traits tell them apart). */
const integrations: { readonly [K in LoadBalancer['kind']]: Integration } = {
  none: empty,
  'kube-vip': kubeVip,
  empty,
  'metallb-configmap': metallbConfigMap,
  'metallb-crds': metallbCrds,
};

/** The integration the settings name: selected once per plan. */
export const integrationFor = (lb: LoadBalancer): Integration => integrations[lb.kind];
