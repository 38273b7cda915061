import { KubeObject } from '../../constructs/render';
import {
  certificateSecretRules,
  rolloutOperatorRules,
  webhookClusterRules,
} from '../../constructs/rollout-operator';
import { ROLLOUT_OPERATOR, prepareDownscaleWebhookName, usesDownscaleWebhook, zoneAwareStores } from '../../constructs/stores/rollout';
import { restrictedViolations } from '../support/pod-security';
import { allObjects, renderedEnvironments } from '../support/render';
import { ROLLOUT_OPERATOR_KEYS } from './upstream-keys';

type Obj = Record<string, any>;
interface Rule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs: string[];
}

const isOperator = (o: KubeObject) => o.metadata.labels?.['app.kubernetes.io/name'] === 'rollout-operator';
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) => Object.entries(selector).every(([k, v]) => labels[k] === v);

/** What the operator may do with Secrets: create (RBAC cannot name an object at create time) and read one by name. */
function secretProblems(rules: Rule[]): string[] {
  const problems: string[] = [];
  for (const rule of rules.filter((r) => (r.resources ?? []).some((x) => x.startsWith('secrets')))) {
    const named = rule.resourceNames ?? [];
    if (rule.verbs.some((v) => ['list', 'watch', 'deletecollection', '*'].includes(v))) problems.push(`secrets: ${rule.verbs.join(',')} would read every Secret`);
    if (rule.verbs.some((v) => ['get', 'update', 'patch', 'delete'].includes(v)) && (named.length !== 1 || named[0] !== ROLLOUT_OPERATOR.certificateSecret)) {
      problems.push(`secrets: ${rule.verbs.join(',')} not limited to ${ROLLOUT_OPERATOR.certificateSecret}`);
    }
  }
  return problems;
}

describe('the rollout-operator', () => {
  for (const r of renderedEnvironments()) {
    const env = r.env;
    const all = allObjects(r);
    const ops = r.objects.get('rollout-operator') ?? [];
    const stores = zoneAwareStores(env);

    test(`${env.name}: one operator in each store namespace with zone StatefulSets, and none elsewhere`, () => {
      const deployments = ops.filter((o) => o.kind === 'Deployment');
      expect(deployments.map((d) => d.metadata.namespace).sort()).toEqual(stores.map((s) => env.namespaces[s]).sort());
      for (const d of deployments) {
        const ns = d.metadata.namespace!;
        // Its namespace is one MOP creates, enforcing Pod Security restricted.
        const namespace = all.find((o) => o.kind === 'Namespace' && o.metadata.name === ns)!;
        expect(namespace.metadata.labels!['pod-security.kubernetes.io/enforce']).toBe('restricted');
        const spec = (d.spec as Obj).template.spec;
        expect(restrictedViolations(spec)).toEqual([]);
        expect((d.spec as Obj).replicas).toBe(1);
        expect((d.spec as Obj).strategy.rollingUpdate).toEqual({ maxSurge: 0, maxUnavailable: 1 });
        expect(spec.serviceAccountName).toBe(ROLLOUT_OPERATOR.name);
        const c = spec.containers[0];
        expect(c.image).toBe('grafana/rollout-operator:v0.38.1');
        expect(c.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http-metrics' });
        expect(c.ports.find((p: Obj) => p.name === 'http-metrics').containerPort).toBe(ROLLOUT_OPERATOR.httpPort);
        expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '100Mi' }, limits: { memory: '200Mi' } });
        for (const a of c.args as string[]) expect(Object.keys(ROLLOUT_OPERATOR_KEYS.flags)).toContain(a.split('=')[0]);
      }
    });

    test(`${env.name}: least-privilege RBAC, exactly the calls of v0.38.1; Secrets only the certificate, by name`, () => {
      const roles = all.filter((o) => isOperator(o) && (o.kind === 'Role' || o.kind === 'ClusterRole'));
      for (const role of roles) {
        const rules = (role as Obj).rules as Rule[];
        for (const rule of rules) for (const f of ['apiGroups', 'resources', 'verbs', 'resourceNames'] as const) expect((rule[f] ?? []).some((v) => v.includes('*'))).toBe(false);
        expect(secretProblems(rules)).toEqual([]);
        expect(rules.flatMap((x) => x.verbs).some((v) => ['escalate', 'bind', 'impersonate'].includes(v))).toBe(false);
      }
      for (const store of stores) {
        const ns = env.namespaces[store];
        const webhooks = usesDownscaleWebhook(store);
        const inNs = (kind: string, name: string) => roles.find((o) => o.kind === kind && o.metadata.name === name && (kind === 'ClusterRole' || o.metadata.namespace === ns)) as Obj | undefined;
        expect(inNs('Role', 'rollout-operator')?.rules).toEqual(rolloutOperatorRules(webhooks));
        expect(inNs('Role', 'rollout-operator-webhook-certificate')?.rules).toEqual(webhooks ? certificateSecretRules() : undefined);
        expect(inNs('ClusterRole', `rollout-operator-${ns}-webhook`)?.rules).toEqual(webhooks ? webhookClusterRules(ns) : undefined);
        // Every binding names the operator's ServiceAccount in its own namespace.
        for (const b of all.filter((o) => isOperator(o) && o.kind.endsWith('Binding') && ((o as Obj).subjects[0].namespace === ns))) {
          expect((b as Obj).subjects).toEqual([{ kind: 'ServiceAccount', name: ROLLOUT_OPERATOR.name, namespace: ns }]);
        }
      }
      // Loki's zone ingesters use no webhook: its operator gets no Secret access at all.
      if (stores.includes('loki')) {
        const lokiRoles = roles.filter((o) => o.metadata.namespace === env.namespaces.loki);
        expect(lokiRoles.flatMap((o) => (o as Obj).rules as Rule[]).some((x) => (x.resources ?? []).includes('secrets'))).toBe(false);
      }
    });

    test(`${env.name}: the prepare-downscale webhook reaches the operator and the pods it prepares`, () => {
      for (const store of stores.filter(usesDownscaleWebhook)) {
        const ns = env.namespaces[store];
        const name = prepareDownscaleWebhookName(ns);
        const config = ops.find((o) => o.kind === 'MutatingWebhookConfiguration' && o.metadata.name === name) as Obj;
        expect(config.metadata.labels).toMatchObject({ 'grafana.com/inject-rollout-operator-ca': 'true', 'grafana.com/namespace': ns });
        for (const k of Object.keys(ROLLOUT_OPERATOR_KEYS.webhookLabels)) expect(config.metadata.labels[k]).toBeDefined();
        const [hook] = config.webhooks;
        expect(hook.namespaceSelector).toEqual({ matchLabels: { 'kubernetes.io/metadata.name': ns } });
        expect(hook.rules).toEqual([{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['statefulsets', 'statefulsets/scale'], scope: 'Namespaced' }]);
        expect(hook.clientConfig.service).toEqual({ name: ROLLOUT_OPERATOR.name, namespace: ns, path: '/admission/prepare-downscale', port: 443 });
        // The Service (named as the self-signed certificate's DNS name) reaches the operator's TLS port.
        const svc = ops.find((o) => o.kind === 'Service' && o.metadata.namespace === ns && o.metadata.name === ROLLOUT_OPERATOR.name) as Obj;
        const port = svc.spec.ports.find((p: Obj) => p.port === 443);
        const operator = ops.find((o) => o.kind === 'Deployment' && o.metadata.namespace === ns) as Obj;
        expect(matches(svc.spec.selector, operator.spec.template.metadata.labels)).toBe(true);
        expect(operator.spec.template.spec.containers[0].ports.find((p: Obj) => p.name === port.targetPort).containerPort).toBe(ROLLOUT_OPERATOR.httpsPort);
        expect(operator.spec.template.spec.containers[0].args).toContain('-server-tls.enabled=true');

        // prep_downscale.go calls http://<pod>.<serviceName>.<ns>.svc.<domain>:<port>/<path> on each removed pod.
        const prepared = (r.objects.get(store) ?? []).filter((o) => o.kind === 'StatefulSet' && o.metadata.labels?.['grafana.com/prepare-downscale'] === 'true') as Obj[];
        expect(prepared.length).toBeGreaterThan(0);
        for (const sts of prepared) {
          const governing = (r.objects.get(store) ?? []).find((o) => o.kind === 'Service' && o.metadata.name === sts.spec.serviceName) as Obj;
          expect(governing.spec.clusterIP).toBe('None');
          expect(matches(governing.spec.selector, sts.spec.template.metadata.labels)).toBe(true);
          const portNumber = Number(sts.metadata.annotations['grafana.com/prepare-downscale-http-port']);
          expect(sts.spec.template.spec.containers[0].ports.map((p: Obj) => p.containerPort)).toContain(portNumber);
          for (const k of Object.keys(sts.metadata.labels).filter((l) => l.startsWith('grafana.com/') || l === 'rollout-group')) {
            expect(Object.keys(ROLLOUT_OPERATOR_KEYS.statefulSetLabels)).toContain(k);
          }
          for (const k of Object.keys(sts.metadata.annotations)) expect(Object.keys(ROLLOUT_OPERATOR_KEYS.statefulSetAnnotations)).toContain(k);
          // A leader names the previous zone of the same group.
          const leader = sts.metadata.annotations['grafana.com/rollout-downscale-leader'];
          if (leader) expect(prepared.map((p) => p.metadata.name)).toContain(leader);
        }
      }
    });

    test(`${env.name}: network flows: API server egress, webhook ingress from the API server`, () => {
      expect(r.network.unresolved).toEqual([]);
      for (const store of stores) {
        const ns = env.namespaces[store];
        expect(r.network.flows.map((f) => f.id)).toContain(`${ns}-rollout-operator-to-apiserver`);
        const ingress = all.find((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === ns && o.metadata.name === 'allow-ingress-rollout-operator') as Obj | undefined;
        if (usesDownscaleWebhook(store)) {
          expect(ingress!.spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: ROLLOUT_OPERATOR.httpsPort, protocol: 'TCP' }] }]);
        } else {
          expect(ingress).toBeUndefined();
        }
      }
    });

    test(`${env.name}: Argo CD keeps the injected CA bundle and may apply webhook configurations`, () => {
      const app = (r.objects.get('argocd') ?? []).find((o) => o.kind === 'Application' && o.metadata.name.endsWith('-rollout-operator')) as Obj | undefined;
      if (!stores.length) {
        expect(app).toBeUndefined();
        return;
      }
      const hasWebhooks = stores.some(usesDownscaleWebhook);
      expect(app!.spec.ignoreDifferences).toEqual([{ group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration', jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'] }]);
      expect(app!.spec.syncPolicy.syncOptions).toContain('RespectIgnoreDifferences=true');
      // The components' project whitelists each webhook configuration the operators of this environment serve, by name.
      const project = (r.objects.get('argocd') ?? []).find((o) => o.kind === 'AppProject' && o.metadata.name === env.argocd.project) as Obj;
      for (const store of stores.filter(usesDownscaleWebhook)) {
        expect(project.spec.clusterResourceWhitelist).toContainEqual({ group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration', name: prepareDownscaleWebhookName(env.namespaces[store]) });
      }
      expect(hasWebhooks).toBe(stores.some(usesDownscaleWebhook));
    });
  }

  test('the Secret audit refuses reading other Secrets', () => {
    expect(secretProblems([{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }])).toHaveLength(1);
    expect(secretProblems([{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }])).toHaveLength(1);
    expect(secretProblems(certificateSecretRules() as Rule[])).toEqual([]);
  });
});
