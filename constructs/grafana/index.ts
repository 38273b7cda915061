import { ComponentDefinition } from '../platform';
import { namespace } from '../base';

export const grafana: ComponentDefinition = {
  name: 'grafana',
  build(ctx) {
    namespace(ctx, ctx.env.namespaces.grafana, 'restricted');
  },
};
