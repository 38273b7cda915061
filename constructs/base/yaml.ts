import { dump } from 'js-yaml';
import { stringify } from 'yaml';

/**
 * The one YAML writer: rendered objects and the config files inside ConfigMaps. Keys keep the order given (cdk8s
 * sorts object keys), no line folding, multi-line strings as literal blocks, no anchors, and strings YAML 1.1 would
 * misread (`on`, `yes`, `y`) quoted.
 *
 * js-yaml writes the same documents about three times faster than `yaml` (docs/performance.md), but it falls back to
 * an escaped one-line string for multi-line text containing tabs, which the Alloy configuration language indents
 * with. Documents holding such text go through `yaml`, which keeps them as readable literal blocks.
 */
export function toYaml(value: unknown): string {
  // In a Kubernetes object such text can only be a ConfigMap's `data`; config files are searched whole.
  const isObject = value !== null && typeof value === 'object';
  const text = isObject && 'apiVersion' in value ? (value as { data?: unknown }).data : value;
  if (hasTabbedText(text)) return stringify(value, { version: '1.1', lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false });
  return dump(value, { lineWidth: -1, noRefs: true, sortKeys: false, quotingType: '"' });
}

function hasTabbedText(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\t') && value.includes('\n');
  if (Array.isArray(value)) return value.some(hasTabbedText);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasTabbedText);
  return false;
}
