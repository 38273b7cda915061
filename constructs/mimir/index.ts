import { ComponentDefinition } from '../platform';
import { namespace } from '../base';

export const mimir: ComponentDefinition = {
  name: 'mimir',
  build(ctx) {
    namespace(ctx, ctx.env.namespaces.mimir, 'restricted');
  },
};
