import * as fs from 'fs';
import * as path from 'path';
import { ENVIRONMENTS, loadEnvironment } from '../../environments';
import { outputFiles, renderEnvironment } from '../../constructs/render';
import { DIST } from '../support/paths';
import { renderedEnvironments } from '../support/render';

function listFiles(dir: string, prefix = ''): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

describe('deterministic output', () => {
  test('two renders of every environment are byte-identical', () => {
    for (const input of ENVIRONMENTS) {
      const a = renderEnvironment(loadEnvironment(input));
      const b = renderEnvironment(loadEnvironment(input));
      expect([...outputFiles(b)]).toEqual([...outputFiles(a)]);
    }
  });

  test('dist/ holds exactly the environments the code renders', () => {
    const dirs = fs.readdirSync(DIST, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
    expect(dirs.sort()).toEqual(ENVIRONMENTS.map((e) => e.name).sort());
  });

  for (const r of renderedEnvironments()) {
    test(`committed dist/${r.env.name} equals a fresh render (run \`npm run synth\` and commit dist/ if this fails)`, () => {
      const root = path.join(DIST, r.env.name);
      const onDisk = listFiles(root).sort();
      const files = outputFiles(r);
      expect(onDisk).toEqual([...files.keys()].sort());
      const drifted = [...files].filter(([rel, content]) => fs.readFileSync(path.join(root, rel), 'utf8') !== content).map(([rel]) => rel);
      expect(drifted).toEqual([]);
    });
  }
});
