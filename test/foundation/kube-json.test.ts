import { ApiObject, App, Chart, JsonPatch, Lazy, LazyResolver } from 'cdk8s';
import { kubeJson } from '../../constructs/base/kube-json';
import { k8s } from '../../constructs/base/k8s';
import { argoCd } from '../../constructs/argocd';
import { COMPONENTS } from '../../constructs/components';
import { buildPlatform } from '../../constructs/platform';
import { ARGOCD_COMPONENT } from '../../constructs/render';
import { Application } from '../../imports/argocd-application-argoproj.io';
import { renderedEnvironments } from '../support/render';

// kubeJson must render exactly what cdk8s's own toJson renders: same members (no undefined ones), same key order.
const sameAsCdk8s = (obj: ApiObject, app: App) => {
  const json = kubeJson(obj, app);
  expect(json).toStrictEqual(obj.toJson());
  expect(JSON.stringify(json)).toBe(JSON.stringify(obj.toJson()));
};

describe('every object of every environment renders as ApiObject.toJson() renders it', () => {
  for (const r of renderedEnvironments()) {
    test(r.env.name, () => {
      const { app } = buildPlatform(r.env, COMPONENTS);
      const components = new Map([...r.objects].filter(([component]) => component !== ARGOCD_COMPONENT));
      const largest = new Map([...components.keys()].map((c) => [c, Math.max(...[...r.files].filter(([p]) => p.startsWith(`${c}/`)).map(([, text]) => text.length))]));
      argoCd(new Chart(app, ARGOCD_COMPONENT, { disableResourceNameHashes: true }), r.env, components, largest);
      const objects = app.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
      expect(objects.some((o) => o.kind === 'Application')).toBe(true);
      for (const obj of objects) sameAsCdk8s(obj, app);
    });
  }
});

describe('the single walk follows the default resolvers and sanitizeValue', () => {
  let app: App;
  let chart: Chart;
  beforeEach(() => {
    app = new App({ outdir: '/nonexistent' });
    chart = new Chart(app, 'c', { disableResourceNameHashes: true });
  });
  const fastPath = (obj: ApiObject) => {
    const toJson = jest.spyOn(obj, 'toJson');
    const json = kubeJson(obj, app);
    expect(toJson).not.toHaveBeenCalled();
    toJson.mockRestore();
    return json;
  };

  test('Lazy values, implicit tokens, IntOrString and Quantity are resolved; keys are sorted; nulls dropped', () => {
    const obj = new k8s.KubeDeployment(chart, 'd', {
      metadata: { name: 'd', labels: { z: 'last', a: 'first', gone: undefined as unknown as string } },
      spec: {
        selector: { matchLabels: { app: 'd' } },
        strategy: { rollingUpdate: { maxSurge: k8s.IntOrString.fromString('25%'), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
        template: {
          metadata: { annotations: { lazy: Lazy.any({ produce: () => 'produced' }) as unknown as string } },
          spec: {
            nodeSelector: { zone: 'a', gone: undefined as unknown as string, nulled: null as unknown as string },
            containers: [
              {
                name: 'c',
                image: { resolve: () => 'registry.example/app:1.0.0' } as unknown as string,
                args: ['--a', null as unknown as string, '--b'],
                resources: { limits: { memory: k8s.Quantity.fromString('64Mi') }, requests: { cpu: k8s.Quantity.fromNumber(0.5) } },
              },
            ],
          },
        },
      },
    });
    const json = fastPath(obj) as any;
    sameAsCdk8s(obj, app);
    expect(Object.keys(json.metadata.labels)).toEqual(['a', 'z']);
    expect(Object.keys(json.spec.template.spec.nodeSelector)).toEqual(['zone']);
    expect(json.spec.template.metadata.annotations.lazy).toBe('produced');
    expect(json.spec.template.spec.containers[0].image).toBe('registry.example/app:1.0.0');
    expect(json.spec.strategy.rollingUpdate).toEqual({ maxSurge: '25%', maxUnavailable: 0 });
  });

  test('a Lazy that produces another resolvable value is resolved again', () => {
    const obj = new k8s.KubeConfigMap(chart, 'm', {
      metadata: { name: 'm' },
      data: { nested: Lazy.any({ produce: () => Lazy.any({ produce: () => 'deep' }) }) as unknown as string },
    });
    expect((fastPath(obj) as any).data.nested).toBe('deep');
    sameAsCdk8s(obj, app);
  });

  test('metadata: additional attributes, owner references and finalizers kept; empty maps and lists dropped', () => {
    const obj = new k8s.KubeService(chart, 's', {
      metadata: {
        name: 's',
        namespace: 'ns',
        generateName: 's-',
        labels: { b: '2', a: Lazy.any({ produce: () => '1' }) as unknown as string },
        annotations: {},
        finalizers: ['example.com/keep'],
      },
      spec: { ports: [{ port: 80, targetPort: k8s.IntOrString.fromString('http') }] },
    });
    obj.metadata.addOwnerReference({ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: '1234' });
    obj.metadata.add('deletionGracePeriodSeconds', 30);
    const json = fastPath(obj) as any;
    sameAsCdk8s(obj, app);
    expect(json.metadata).toStrictEqual({
      deletionGracePeriodSeconds: 30,
      finalizers: ['example.com/keep'],
      generateName: 's-',
      labels: { a: '1', b: '2' },
      name: 's',
      namespace: 'ns',
      ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: '1234' }],
    });
    const bare = new k8s.KubeConfigMap(chart, 'bare', { metadata: { name: 'bare', labels: {}, annotations: {} } });
    expect(Object.keys((fastPath(bare) as any).metadata)).toEqual(['name']);
    sameAsCdk8s(bare, app);
  });

  test('the imported Argo CD kinds take the same path', () => {
    const obj = new Application(chart, 'a', {
      metadata: { name: 'a', namespace: 'argocd' },
      spec: {
        project: 'p',
        destination: { server: 'https://kubernetes.default.svc' },
        // an untyped field: the generated conversion passes it through, so the walk alone drops nulls and sorts keys
        source: { repoUrl: 'https://git.example/r.git', path: 'dist/dev/x', helm: { valuesObject: { z: 1, a: { gone: null, kept: [1, null] } } } },
      },
    });
    expect((fastPath(obj) as any).spec.source.helm.valuesObject).toStrictEqual({ a: { kept: [1, undefined] }, z: 1 });
    sameAsCdk8s(obj, app);
  });
});

describe('everything else goes to ApiObject.toJson()', () => {
  const delegates = (app: App, obj: ApiObject) => {
    const toJson = jest.spyOn(obj, 'toJson');
    kubeJson(obj, app);
    expect(toJson).toHaveBeenCalled();
    toJson.mockRestore();
    sameAsCdk8s(obj, app);
  };
  const setup = (resolvers?: App['resolvers']) => {
    const app = new App({ outdir: '/nonexistent', ...(resolvers ? { resolvers } : {}) });
    return { app, chart: new Chart(app, 'c', { disableResourceNameHashes: true }) };
  };
  const configMap = (chart: Chart) => new k8s.KubeConfigMap(chart, 'm', { metadata: { name: 'm' }, data: { b: '2', a: '1' } });

  test('an object with JSON patches', () => {
    const { app, chart } = setup();
    const obj = configMap(chart);
    obj.addJsonPatch(JsonPatch.add('/data/c', '3'));
    delegates(app, obj);
  });

  test('a subclass with its own toJson', () => {
    const { app, chart } = setup();
    class Marked extends k8s.KubeConfigMap {
      override toJson(): any {
        return { ...super.toJson(), marked: true };
      }
    }
    delegates(app, new Marked(chart, 'm', { metadata: { name: 'm' } }));
  });

  test('an App with other resolvers', () => {
    const { app, chart } = setup([new LazyResolver()]);
    delegates(app, configMap(chart));
  });

  test('CDK8S_DISABLE_SORT', () => {
    const { app, chart } = setup();
    process.env.CDK8S_DISABLE_SORT = '1';
    try {
      delegates(app, configMap(chart));
    } finally {
      delete process.env.CDK8S_DISABLE_SORT;
    }
  });

  test('metadata whose private fields are not as expected', () => {
    const { app, chart } = setup();
    const obj = configMap(chart);
    Object.defineProperty(obj.metadata, 'labels', { value: undefined });
    const metadataToJson = jest.spyOn(obj.metadata, 'toJson');
    const json = kubeJson(obj, app);
    expect(metadataToJson).toHaveBeenCalled();
    metadataToJson.mockRestore();
    expect(json).toStrictEqual(obj.toJson());
  });

  test('a function value (cdk8s passes it through)', () => {
    const { app, chart } = setup();
    delegates(app, new k8s.KubeConfigMap(chart, 'm', { metadata: { name: 'm' }, data: { f: (() => 'x') as unknown as string } }));
  });

  test('a value cdk8s cannot render fails with cdk8s own message', () => {
    const { app, chart } = setup();
    class Opaque {}
    const obj = new k8s.KubeConfigMap(chart, 'm', { metadata: { name: 'm' }, data: { o: new Opaque() as unknown as string } });
    expect(() => obj.toJson()).toThrow(/can't render non-simple object of type 'Opaque'/);
    expect(() => kubeJson(obj, app)).toThrow(/Failed serializing construct at path 'c\/m'.*can't render non-simple object of type 'Opaque'/);
  });

  test('a Lazy that throws fails with cdk8s own message', () => {
    const { app, chart } = setup();
    const obj = new k8s.KubeConfigMap(chart, 'm', {
      metadata: { name: 'm' },
      data: { l: Lazy.any({ produce: () => { throw new Error('no value yet'); } }) as unknown as string },
    });
    expect(() => kubeJson(obj, app)).toThrow(/Failed serializing construct at path 'c\/m'.*no value yet/);
  });
});
