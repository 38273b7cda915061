/**
 * MOP renders nothing into namespaces it does not own: every namespaced object lives in a namespace the same
 * environment creates, or (only the Argo CD objects) in the Argo CD namespace.
 */
import { ARGOCD_COMPONENT } from '../../constructs/render';
import { ApiResources } from '../support/api-resources';
import { describe as describeObject, renderedEnvironments } from '../support/render';

const api = ApiResources.all();

for (const r of renderedEnvironments()) {
  test(`${r.env.name}: every namespaced object is in a namespace this environment creates, or Argo CD's`, () => {
    const created = new Set([...r.objects.values()].flat().filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
    expect([...created].sort()).toEqual([...r.env.platformNamespaces]);
    const outside: string[] = [];
    for (const [folder, objects] of r.objects) {
      for (const o of objects) {
        if (!api.isNamespaced(o.apiVersion, o.kind)) continue;
        const ns = o.metadata.namespace ?? '';
        const allowed = folder === ARGOCD_COMPONENT ? ns === r.env.argocd.namespace : created.has(ns);
        if (!allowed) outside.push(`${folder}: ${describeObject(r.env.name, o)}`);
      }
    }
    expect(outside).toEqual([]);
    // The SLOs' application namespaces in particular hold nothing of MOP's.
    const appNamespaces = new Set(r.env.slos.map((s) => s.namespace));
    expect([...r.objects.values()].flat().filter((o) => appNamespaces.has(o.metadata.namespace ?? ''))).toEqual([]);
  });
}
