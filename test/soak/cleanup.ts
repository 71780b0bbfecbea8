import { mirrorService } from '../../model/marks/control-plane.ts';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import type { KubeRest } from '../../providers/kubernetes/rest.ts';
import { forceDeleteWith } from '../support/kube-rest.ts';

/** What the soak left in the shared API server: its Services (finalizers stripped), Nodes, CRs. */
export async function cleanUp(admin: KubeRest): Promise<void> {
  const list = await admin.request<{ items: { metadata: { name: string } }[] }>({
    method: 'GET',
    path: resourcePath(resources.Service, { namespace: 'default' }),
  });
  for (const s of list.items) {
    if (s.metadata.name === 'kubernetes') continue;
    await forceDeleteWith(
      admin,
      resourcePath(resources.Service, { namespace: 'default', name: s.metadata.name }),
    );
  }
  await admin
    .request({ method: 'DELETE', path: resourcePath(resources.Node) })
    .catch(() => undefined);
  for (const r of [resources.Service, resources.EndpointSlice])
    await forceDeleteWith(admin, resourcePath(r, mirrorService));
  await admin
    .request({
      method: 'DELETE',
      path: resourcePath(resources.Secret, {
        namespace: 'metallb-system',
        name: 'metal-ccm-bgp-password',
      }),
    })
    .catch(() => undefined);
  for (const r of [resources.BGPPeer, resources.IPAddressPool, resources.BGPAdvertisement])
    await admin
      .request({ method: 'DELETE', path: resourcePath(r, { namespace: 'metallb-system' }) })
      .catch(() => undefined);
  // Events of this run's objects would tell the next run of things it did not do.
  await admin
    .request({ method: 'DELETE', path: '/apis/events.k8s.io/v1/namespaces/default/events' })
    .catch(() => undefined);
}
