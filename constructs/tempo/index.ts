import { ComponentDefinition } from '../platform';
import { namespace } from '../base';

export const tempo: ComponentDefinition = {
  name: 'tempo',
  build(ctx) {
    namespace(ctx, ctx.env.namespaces.tempo, 'restricted');
  },
};
