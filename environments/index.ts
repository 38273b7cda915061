import { dev } from './dev';
import { EnvironmentInput } from './model';
import { production } from './production';
import { staging } from './staging';

/** Every environment `npm run synth` renders, in order. Add a new environment file here. */
export const ENVIRONMENTS: readonly EnvironmentInput[] = [dev, staging, production];

export * from './model';
export { EnvironmentConfigError, loadEnvironment } from './validate';
