export * from './containers';
export * from './context';
export * from './labels';
export * from './objects';
export * from './security';
export * from './yaml';
export * from './order';
