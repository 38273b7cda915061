import { dump } from 'js-yaml';

/**
 * The one YAML writer: rendered objects and the config files inside ConfigMaps. Keys keep the order given (cdk8s
 * sorts object keys), no line folding, multi-line strings as literal blocks, no anchors, and strings YAML 1.1 would
 * misread (`on`, `yes`, `y`) quoted (js-yaml's default compat mode). js-yaml rather than `yaml`: it emits the same
 * documents about three times faster (docs/performance.md).
 */
export function toYaml(value: unknown): string {
  return dump(value, { lineWidth: -1, noRefs: true, sortKeys: false, quotingType: '"' });
}
