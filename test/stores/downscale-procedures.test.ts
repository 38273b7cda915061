import * as fs from 'fs';
import * as path from 'path';
import { PROJECT_ROOT } from '../support/paths';
import { DOWNSCALE_PROCEDURES, baseComponent, downscaleProcedure, downscaleProcedureText } from '../../constructs/stores/downscaleProcedures';
import { destructiveChanges } from '../../scripts/synth/guard';
import { inputOf, render } from './helpers';
import { renderedEnvironments } from '../support/render';
import { STORES } from './helpers';

/** Every StatefulSet the stores render, in every environment: `<store>/<component label>`. */
const rendered = renderedEnvironments().flatMap((r) =>
  STORES.flatMap((store) =>
    (r.objects.get(store) ?? [])
      .filter((o) => o.kind === 'StatefulSet')
      .map((o) => ({ env: r.env.name, store, name: o.metadata.name, component: o.metadata.labels!['app.kubernetes.io/component'] })),
  ),
);

describe('downscale procedures', () => {
  test('every StatefulSet of the stores, in every environment, has an upstream procedure', () => {
    expect(rendered.length).toBeGreaterThan(0);
    expect(rendered.filter((s) => !downscaleProcedure(s.store, s.component)).map((s) => `${s.env} ${s.name}`)).toEqual([]);
  });

  test('the table has no entry for a StatefulSet MOP does not render', () => {
    const used = new Set(rendered.map((s) => `${s.store}/${baseComponent(s.component)}`));
    const listed = STORES.flatMap((store) => Object.keys(DOWNSCALE_PROCEDURES[store]).map((c) => `${store}/${c}`));
    expect(listed.filter((k) => !used.has(k))).toEqual([]);
  });

  test('every entry is one line with an upstream source; ingesters, live-stores and block-builders lose data without it', () => {
    for (const store of STORES) {
      for (const [component, p] of Object.entries(DOWNSCALE_PROCEDURES[store])) {
        expect({ component, oneLine: !p.procedure.includes('\n') && p.procedure.length > 20, source: /^grafana\/(mimir|tempo|loki) /.test(p.source) }).toEqual({ component, oneLine: true, source: true });
      }
    }
    for (const [store, component] of [['mimir', 'ingester'], ['loki', 'ingester'], ['tempo', 'live-store'], ['tempo', 'block-builder']]) {
      expect(downscaleProcedure(store, component)!.losesData).toBe(true);
    }
  });

  test('docs/stores.md describes the procedure of every entry', () => {
    const doc = fs.readFileSync(path.join(PROJECT_ROOT, 'docs/stores.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Scaling down'));
    for (const store of STORES) for (const component of Object.keys(DOWNSCALE_PROCEDURES[store])) {
      if (component === 'monolithic') continue;
      expect({ entry: `${store} ${component}`, documented: section.includes(`**${store} ${component}**`) }).toEqual({ entry: `${store} ${component}`, documented: true });
    }
    expect(section).toMatch(/single-process stores of dev cannot be scaled down/);
  });

  test('the procedure text names the procedure and its source; zone suffixes resolve', () => {
    expect(downscaleProcedureText('mimir', 'ingester-zone-b')).toMatch(/^POST \/ingester\/prepare-partition-downscale/);
    expect(downscaleProcedureText('alloy', 'gateway')).toBeUndefined();
    expect(baseComponent('live-store-zone-a')).toBe('live-store');
    expect(downscaleProcedureText('loki', 'ingester-zone-c')).toMatch(/^POST \/ingester\/shutdown\?flush=true .*wal\.md.*"Scaling down"\)$/);
    expect(downscaleProcedureText('grafana', 'grafana')).toBeUndefined();
  });

  test('a smaller workload profile yields one message per shrunk store StatefulSet, each naming its procedure', () => {
    const production = inputOf('production');
    const smaller = { ...production, workload: { ...production.workload, activeSeries: production.workload.activeSeries / 3, spansPerSecond: production.workload.spansPerSecond / 4 } };
    const after = render(smaller).files;
    const changes = destructiveChanges('production', render(production).files, after);
    const messages = changes.map((c) => `${c.what}: ${c.consequence}`);
    expect(messages.some((m) => m.startsWith('mimir StatefulSet mop-mimir/mimir-ingester-zone-a: replicas 3 → 1: ') && m.includes('POST /ingester/prepare-partition-downscale'))).toBe(true);
    expect(messages.some((m) => m.startsWith('tempo StatefulSet mop-tempo/tempo-live-store-zone-a:') && m.includes('/live-store/prepare-partition-downscale'))).toBe(true);
    expect(messages.some((m) => m.startsWith('tempo StatefulSet mop-tempo/tempo-block-builder:'))).toBe(true);
    expect(destructiveChanges('production', after, after)).toEqual([]);
    expect(destructiveChanges('production', after, render(production).files)).toEqual([]);
  });
});
