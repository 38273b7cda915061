// The typed Kubernetes 1.28 API classes, imported in this one place: the bundler wraps every `import * as` of a
// CommonJS module in its own copy of the module's (large) export table.
export * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
