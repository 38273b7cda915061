import { ENVIRONMENTS, Environment, loadEnvironment } from '../../environments';
import { KubeObject, RenderedEnvironment, renderEnvironment } from '../../constructs/render';

let cache: RenderedEnvironment[] | undefined;

/** Every environment rendered once per test file (rendering is pure, so sharing it is safe). */
export function renderedEnvironments(): RenderedEnvironment[] {
  cache ??= ENVIRONMENTS.map((input) => renderEnvironment(loadEnvironment(input)));
  return cache;
}

export function environment(name: string): Environment {
  const input = ENVIRONMENTS.find((e) => e.name === name);
  if (!input) throw new Error(`no environment ${name}`);
  return loadEnvironment(input);
}

export function allObjects(r: RenderedEnvironment): KubeObject[] {
  return [...r.objects.values()].flat();
}

/** A readable identifier for messages: `staging/mimir Deployment mop-mimir/mimir-querier`. */
export function describe(envName: string, obj: KubeObject): string {
  const ns = obj.metadata.namespace ? `${obj.metadata.namespace}/` : '';
  return `${envName} ${obj.kind} ${ns}${obj.metadata.name}`;
}
