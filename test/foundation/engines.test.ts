import * as fs from 'fs';
import * as path from 'path';
import * as semver from 'semver';
import { PROJECT_ROOT } from '../support/paths';

/**
 * `npm ci` warns (EBADENGINE) when a locked package asks for another Node than the one it runs on. The README names
 * Node 20; every package in the lock file, dev tools included, must accept the oldest Node 20 that package.json
 * allows, and so every later one.
 */
describe('every locked package supports the Node version the project documents', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));
  const lock = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package-lock.json'), 'utf8'));
  const oldest = semver.minVersion(pkg.engines.node)!.version;

  test('package.json asks for Node 20 or later, and the README says so', () => {
    expect(semver.major(oldest)).toBe(20);
    expect(fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8')).toContain(`Node.js ${oldest}`);
  });

  test.each(Object.entries(lock.packages as Record<string, { version?: string; engines?: { node?: string } | string[] }>).filter(([name, p]) => name && p.engines && !Array.isArray(p.engines) && p.engines.node))(
    '%s',
    (_name, p) => {
      const range = (p.engines as { node: string }).node;
      expect({ range, oldest, accepted: semver.satisfies(oldest, range) }).toEqual({ range, oldest, accepted: true });
    },
  );
});
