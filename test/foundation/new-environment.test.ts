import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PROJECT_ROOT, SHARED } from '../support/paths';

/**
 * A user adds an environment the README's way (a copy of staging with its own name, cluster, buckets, topics and
 * project) and a production region: synth renders them, and every test that reads the environments passes with no
 * test edit and no new snapshot (`jest --ci` refuses to write one). Run in a copy of the project.
 */

/** The test files that iterate over the environments (the others do not read ENVIRONMENTS). */
const SUITES = [
  'test/foundation/determinism.test.ts',
  'test/foundation/schema.test.ts',
  'test/foundation/cross-objects.test.ts',
  'test/foundation/workload-standards.test.ts',
  'test/delivery',
  'test/alloy-pipeline',
  'test/grafana',
  'test/multi-region',
  'test/stores',
  'test/obi',
  'test/experiments',
  'test/monitoring/collection-contract.test.ts',
];

const SCRATCH = `import { EnvironmentInput } from './model';
import { staging } from './staging';

const own = (s: string) => s.split('staging').join('staging-eu');

/** A second staging, made from staging.ts as the README says. */
export const stagingEu: EnvironmentInput = {
  ...staging,
  name: 'staging-eu',
  cluster: { ...staging.cluster, name: 'mop-staging-eu', region: 'eu-central-1', zones: ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'] },
  argocd: { ...staging.argocd, project: 'mop-staging-eu' },
  storage: { ...staging.storage, buckets: Object.fromEntries(Object.entries(staging.storage.buckets!).map(([k, v]) => [k, own(v)])) as typeof staging.storage.buckets },
  kafka: { ...staging.kafka!, mimirTopic: own(staging.kafka!.mimirTopic), tempoTopic: own(staging.kafka!.tempoTopic) },
};
`;

jest.setTimeout(30 * 60 * 1000);

describe('adding an environment and a region needs no test change', () => {
  let base: string;
  let project: string;
  beforeAll(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'mop-new-env-'));
    project = path.join(base, 'mop');
    fs.mkdirSync(project);
    for (const entry of fs.readdirSync(PROJECT_ROOT)) {
      if (['node_modules', '.git', '.build', 'coverage'].includes(entry)) continue;
      fs.cpSync(path.join(PROJECT_ROOT, entry), path.join(project, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(project, 'node_modules'));
    fs.symlinkSync(SHARED, path.join(base, 'shared'));

    fs.writeFileSync(path.join(project, 'environments', 'staging-eu.ts'), SCRATCH);
    const index = path.join(project, 'environments', 'index.ts');
    const indexText = fs.readFileSync(index, 'utf8');
    const withEnv = indexText
      .replace("import { staging } from './staging';", "import { staging } from './staging';\nimport { stagingEu } from './staging-eu';")
      .replace('[dev, staging, production,', '[dev, staging, stagingEu, production,');
    expect(withEnv).not.toBe(indexText);
    fs.writeFileSync(index, withEnv);
    const regions = path.join(project, 'environments', 'multi-region.ts');
    const regionsText = fs.readFileSync(regions, 'utf8');
    const withRegion = regionsText.replace(
      "  { region: 'us-east-1', zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] },\n",
      "  { region: 'us-east-1', zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] },\n  { region: 'ap-south-1', zones: ['ap-south-1a', 'ap-south-1b', 'ap-south-1c'] },\n",
    );
    expect(withRegion).not.toBe(regionsText);
    fs.writeFileSync(regions, withRegion);
  });
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

  test('synth renders the new environments next to the others', () => {
    const run = spawnSync('node', ['scripts/synth.cjs', '--quiet'], { cwd: project, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(fs.existsSync(path.join(project, 'dist', 'staging-eu', 'environment.json'))).toBe(true);
    expect(fs.existsSync(path.join(project, 'dist', 'production-ap-south-1', 'environment.json'))).toBe(true);
  });

  test('the tests that read the environments pass as they are, writing no snapshot', () => {
    const run = spawnSync('npx', ['jest', '--ci', '--silent', ...SUITES], { cwd: project, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    const failures = run.stderr.split('\n').filter((l) => /^(✕|●)/.test(l.trim()));
    expect({ status: run.status, failures }).toEqual({ status: 0, failures: [] });
    expect(run.stderr).not.toMatch(/snapshots? (written|obsolete)/i);
  });
});
