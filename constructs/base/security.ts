import { k8s } from './k8s';

/** The UID/GID MOP runs non-root images as, unless an image needs its own. */
export const DEFAULT_UID = 10001;

/** Pod-level security context that satisfies Pod Security "restricted". */
export function restrictedPodSecurityContext(uid: number = DEFAULT_UID): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level security context that satisfies Pod Security "restricted". */
export function restrictedContainerSecurityContext(): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
