import { ComponentDefinition } from '../platform';
import { namespace } from '../base';

export const alloy: ComponentDefinition = {
  name: 'alloy',
  build(ctx) {
    namespace(ctx, ctx.env.namespaces.alloy, 'restricted');
    namespace(ctx, ctx.env.namespaces.alloyNode, 'privileged', 'the node agent reads pod logs from the host (/var/log/pods, hostPath)');
  },
};
