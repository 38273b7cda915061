import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { DIST } from '../support/paths';
import { allObjects, renderedEnvironments } from '../support/render';

const FORBIDDEN_VERBS = ['escalate', 'bind', 'impersonate', '*'];

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  nonResourceURLs?: string[];
}

export function rbacProblems(rules: PolicyRule[], where: string): string[] {
  const problems: string[] = [];
  for (const rule of rules) {
    for (const field of ['apiGroups', 'resources', 'verbs', 'nonResourceURLs'] as const) {
      if ((rule[field] ?? []).some((v) => v.includes('*'))) problems.push(`${where}: wildcard in ${field}`);
    }
    if ((rule.resources ?? []).some((r) => r === 'secrets' || r.startsWith('secrets/'))) problems.push(`${where}: grants access to secrets`);
    for (const verb of rule.verbs) if (FORBIDDEN_VERBS.includes(verb)) problems.push(`${where}: verb ${verb}`);
    const writes = rule.verbs.filter((v) => !['get', 'list', 'watch'].includes(v));
    if (writes.length) problems.push(`${where}: write verbs ${writes.join(', ')}`);
  }
  return problems;
}

describe('least-privilege RBAC', () => {
  for (const r of renderedEnvironments()) {
    test(`${r.env.name}: roles are read-only, name their resources, and never touch secrets`, () => {
      // The rollout-operator's roles write by design; test/stores/rollout-operator.test.ts holds them to upstream's calls.
      const roles = allObjects(r).filter((o) => (o.kind === 'ClusterRole' || o.kind === 'Role') && o.metadata.labels?.['app.kubernetes.io/name'] !== 'rollout-operator');
      // The node agent and OBI read the API; an environment without them (multi-region global) has no roles.
      expect(roles.length > 0).toBe(r.env.components.includes('alloy') || r.env.components.includes('obi'));
      expect(roles.flatMap((role) => rbacProblems((role as any).rules ?? [], `${role.kind} ${role.metadata.name}`))).toEqual([]);
    });
  }

  test('the audit catches wildcards, secrets and privilege escalation', () => {
    expect(
      rbacProblems(
        [
          { apiGroups: ['*'], resources: ['pods'], verbs: ['get'] },
          { apiGroups: [''], resources: ['secrets'], verbs: ['list'] },
          { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['escalate'] },
        ],
        'r',
      ),
    ).toEqual(['r: wildcard in apiGroups', 'r: grants access to secrets', 'r: verb escalate', 'r: write verbs escalate']);
  });
});

describe('secrets are referenced by name, never written to git', () => {
  test('no Secret object, and no data or stringData of one, anywhere in dist/', () => {
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.yaml')) {
          for (const doc of parseAllDocuments(fs.readFileSync(p, 'utf8'))) {
            const obj = doc.toJS() as { kind?: string } | null;
            if (obj?.kind === 'Secret') found.push(path.relative(DIST, p));
          }
        }
      }
    };
    walk(DIST);
    expect(found).toEqual([]);
  });
});
