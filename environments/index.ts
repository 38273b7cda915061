import { dev } from './dev';
import { EnvironmentInput } from './model';
import { PRODUCTION_MULTI_REGION_ENVIRONMENTS } from './multi-region';
import { production } from './production';
import { staging } from './staging';

/**
 * Every environment `npm run synth` renders, in order. Add a new environment file here; add a production region
 * in `multi-region.ts` (PRODUCTION_REGIONS).
 */
export const ENVIRONMENTS: readonly EnvironmentInput[] = [dev, staging, production, ...PRODUCTION_MULTI_REGION_ENVIRONMENTS];

export * from './model';
export { EnvironmentConfigError, PLATFORM_COMPONENTS, describeValue, loadEnvironment, validateEnvironments } from './validate';
