import { ComponentDefinition } from '../platform';
import { namespace } from '../base';

export const loki: ComponentDefinition = {
  name: 'loki',
  build(ctx) {
    namespace(ctx, ctx.env.namespaces.loki, 'restricted');
  },
};
