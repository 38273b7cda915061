import * as path from 'path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
/** `../shared` beside the checkout, as on developer machines and in CI. */
export const SHARED = path.resolve(PROJECT_ROOT, '..', 'shared');
export const K8S_DEFINITIONS = path.join(SHARED, 'schemas', 'kubernetes-v1.28.0', '_definitions.json');
export const CRD_DIR = path.join(SHARED, 'crds');
export const DIST = path.join(PROJECT_ROOT, 'dist');
