import { ComponentDefinition } from '../platform';
import { namespace } from '../base';

export const obi: ComponentDefinition = {
  name: 'obi',
  build(ctx) {
    namespace(ctx, ctx.env.namespaces.obi, 'privileged', 'OBI loads eBPF programs and needs hostPID, hostNetwork and host mounts');
  },
};
